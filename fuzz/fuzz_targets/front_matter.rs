//! A page's bytes through decoding, the front matter split, the YAML
//! reader and the date parser.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = folio::fuzzing::front_matter(data);
});
