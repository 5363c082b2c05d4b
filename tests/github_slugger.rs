//! GitHub's heading ids: the 78 fixtures of the `github-slugger` package
//! (ids read from github.com's rendering), written as `#` headings of one
//! page and run through `markdown::parse`, the way every page is.

use folio::markdown::{self, ParseContext, Sources};
use serde::Deserialize;
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

#[derive(Deserialize)]
struct Fixture {
    name: String,
    input: String,
    #[serde(rename = "markdownOverwrite")]
    markdown: Option<String>,
    expected: String,
}

/// A fixture where Folio's id differs on purpose. Each is also in the
/// README; `explains` checks that the difference is exactly the stated one,
/// and an entry that starts matching fails the test.
struct Deviation {
    name: &'static str,
    #[allow(dead_code)]
    why: &'static str,
    explains: fn(&Fixture, &str) -> bool,
}

const DEVIATIONS: &[Deviation] = &[Deviation {
    name: "Unassigned",
    why: "code points unassigned in Unicode 13 (GitHub's tables when the fixtures \
          were made) that are letters in current Unicode are kept, like every letter",
    explains: |f, ours| {
        let without_new_letters: String = ours
            .chars()
            .filter(|&c| {
                !(f.input.contains(c)
                    && !f.expected.contains(c)
                    && c.general_category_group() == GeneralCategoryGroup::Letter)
            })
            .collect();
        without_new_letters == f.expected
    },
}];

struct NoIncludes;

impl Sources for NoIncludes {
    fn markdown(&self, _: &str) -> Option<std::borrow::Cow<'_, str>> {
        None
    }
    fn display(&self, path: &str) -> String {
        path.to_string()
    }
}

fn fixtures() -> Vec<Fixture> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/github-slugger/fixtures.json"
    );
    let text = std::fs::read_to_string(path).expect("read fixtures.json");
    serde_json::from_str(&text).expect("parse fixtures.json")
}

/// The heading's text as Markdown: every ASCII punctuation character
/// backslash-escaped, so the heading's text content is exactly `input`.
fn heading(input: &str) -> String {
    let mut md = String::from("# ");
    for c in input.chars() {
        if c.is_ascii_punctuation() {
            md.push('\\');
        }
        md.push(c);
    }
    md
}

#[test]
fn heading_ids_match_github_on_its_fixtures() {
    let fixtures = fixtures();
    assert_eq!(fixtures.len(), 78);
    let page: Vec<String> = fixtures
        .iter()
        .map(|f| f.markdown.clone().unwrap_or_else(|| heading(&f.input)))
        .collect();
    let page = page.join("\n\n") + "\n";
    let doc = markdown::parse(&ParseContext {
        path: "en/slugs.md",
        text: &page,
        body_start: 0,
        sources: &NoIncludes,
        lang: "en",
        task_headers: &folio::markdown::TaskHeaders::default(),
        playbook: &folio::markdown::PlaybookMarks::default(),
        raw_html: folio::config::RawHtml::default(),
    });
    assert_eq!(doc.headings.len(), fixtures.len());
    let mut differing = Vec::new();
    for (f, h) in fixtures.iter().zip(&doc.headings) {
        if h.id != f.expected {
            differing.push((f, h.id.as_str()));
        }
    }
    let passed = fixtures.len() - differing.len();
    println!(
        "github-slugger fixtures: {passed}/{} identical",
        fixtures.len()
    );
    let unexplained: Vec<_> = differing
        .iter()
        .filter(|(f, ours)| {
            !DEVIATIONS
                .iter()
                .any(|d| d.name == f.name && (d.explains)(f, ours))
        })
        .map(|(f, ours)| (&f.name, ours, &f.expected))
        .collect();
    assert!(
        unexplained.is_empty(),
        "ids differ from GitHub's: {unexplained:#?}"
    );
    let stale: Vec<_> = DEVIATIONS
        .iter()
        .filter(|d| !differing.iter().any(|(f, _)| f.name == d.name))
        .map(|d| d.name)
        .collect();
    assert!(
        stale.is_empty(),
        "listed deviations that now match: {stale:?}"
    );
}
