//! YAML front matter as playbook authors write it: `---  ` delimiters with
//! trailing spaces, `# comments`, dotted keys (`ms.date`), US dates.

use crate::yaml::{self, Pos};
use serde_json::Value;
use std::collections::BTreeMap;

/// The parsed front matter of one page. Keys are kept exactly as written
/// (`ms.date` is one key, not a nested map).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct FrontMatter {
    pub(crate) fields: BTreeMap<String, Value>,
    /// Where each top-level key (its last occurrence) and its value are in
    /// the file, for diagnostics.
    pub(crate) positions: BTreeMap<String, FieldPos>,
    /// Keys written more than once in one mapping, positions in the file.
    /// The later value is used.
    pub(crate) duplicates: Vec<yaml::Duplicate>,
}

/// Where a front matter field is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct FieldPos {
    pub(crate) key: Pos,
    pub(crate) value: Pos,
}

impl FrontMatter {
    /// A field as display text: strings as written, numbers and booleans
    /// formatted, `None` for absent, null, empty or structured values.
    pub(crate) fn text(&self, key: &str) -> Option<String> {
        match self.fields.get(key)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// True when the key is absent, null, an empty string or an empty list.
    pub(crate) fn is_empty(&self, key: &str) -> bool {
        match self.fields.get(key) {
            None | Some(Value::Null) => true,
            Some(Value::String(s)) => s.trim().is_empty(),
            Some(Value::Array(a)) => a.is_empty(),
            Some(Value::Object(o)) => o.is_empty(),
            _ => false,
        }
    }

    /// The 1-based line of a key (1 when absent).
    pub(crate) fn line_of(&self, key: &str) -> u32 {
        self.positions.get(key).map(|p| p.key.line).unwrap_or(1)
    }

    /// Where a key's value is written (1:1 when absent).
    pub(crate) fn value_pos(&self, key: &str) -> Pos {
        self.positions
            .get(key)
            .map(|p| p.value)
            .unwrap_or(Pos::START)
    }
}

/// Where the front matter block sits in the normalized page text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Block<'a> {
    /// The YAML between the delimiters.
    pub(crate) yaml: &'a str,
    /// 1-based line of the first YAML line.
    pub(crate) first_line: u32,
    /// Byte offset where the Markdown body starts.
    pub(crate) body_start: usize,
}

/// A front matter block that does not parse, or that is too large or deep
/// to be parsed (`limit`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub(crate) line: u32,
    pub(crate) column: u32,
    pub(crate) message: String,
    pub(crate) limit: bool,
}

/// Finds the front matter block. `Ok(None)`: the page has none.
pub(crate) fn split(text: &str) -> Result<Option<Block<'_>>, SyntaxError> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if !is_delimiter(&text[..first_end], false) {
        return Ok(None);
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut offset = yaml_start;
    while offset < text.len() {
        let end = text[offset..]
            .find('\n')
            .map(|i| offset + i)
            .unwrap_or(text.len());
        if is_delimiter(&text[offset..end], true) {
            return Ok(Some(Block {
                yaml: &text[yaml_start..offset],
                first_line: 2,
                body_start: (end + 1).min(text.len()),
            }));
        }
        offset = end + 1;
    }
    Err(SyntaxError {
        line: 1,
        column: 1,
        message: "front matter opened by `---` on line 1 is never closed; add a `---` line after the last key".into(),
        limit: false,
    })
}

fn is_delimiter(line: &str, closing: bool) -> bool {
    let line = line.trim_end();
    line == "---" || (closing && line == "...")
}

/// Parses the YAML of a block into fields. A key written twice (a common
/// copy-paste slip) is not fatal: the later value wins and the repeat is
/// listed in `duplicates`.
pub(crate) fn parse(block: &Block<'_>) -> Result<FrontMatter, SyntaxError> {
    if block.yaml.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    let doc = yaml::parse(block.yaml, &crate::limits::FRONT_MATTER).map_err(|e| {
        let pos = e.pos().in_file(block.first_line);
        SyntaxError {
            line: pos.line,
            column: pos.column,
            message: match &e {
                yaml::Error::Limit { message, .. } => {
                    format!("the front matter exceeds a safety limit: {message}; it is not read")
                }
                yaml::Error::Syntax { message, .. } => {
                    format!("front matter is not valid YAML: {message}")
                }
            },
            limit: e.is_limit(),
        }
    })?;
    let entries = match &doc.root.value {
        yaml::Value::Map(entries) => entries,
        yaml::Value::Null => return Ok(FrontMatter::default()),
        _ => {
            let pos = doc.root.pos.in_file(block.first_line);
            return Err(SyntaxError {
                line: pos.line,
                column: pos.column,
                message: "front matter must be `key: value` lines".into(),
                limit: false,
            });
        }
    };
    let mut fields = BTreeMap::new();
    let mut positions = BTreeMap::new();
    for entry in entries {
        let key = entry.key.key_string();
        positions.insert(
            key.clone(),
            FieldPos {
                key: entry.key.pos.in_file(block.first_line),
                value: entry.value.pos.in_file(block.first_line),
            },
        );
        fields.insert(key, entry.value.to_json());
    }
    let duplicates = doc
        .duplicates
        .into_iter()
        .map(|d| yaml::Duplicate {
            earlier: d.earlier.in_file(block.first_line),
            later: d.later.in_file(block.first_line),
            ..d
        })
        .collect();
    Ok(FrontMatter {
        fields,
        positions,
        duplicates,
    })
}

/// A calendar date, as playbooks write it in `ms.date`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Date {
    pub(crate) year: u16,
    pub(crate) month: u8,
    pub(crate) day: u8,
}

impl Date {
    /// Accepts `2019-05-02` (with an optional time after it), `5/02/2019`
    /// (month first, as DocFX's `ms.date`) and `2019/05/02`.
    pub(crate) fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let date_part = s.split(['T', ' ']).next().unwrap_or(s);
        let nums: Vec<&str> = date_part.split(['-', '/', '.']).collect();
        if nums.len() != 3
            || nums
                .iter()
                .any(|n| n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        let n = |i: usize| nums[i].parse::<u32>().ok();
        let (year, month, day) = if nums[0].len() == 4 {
            (n(0)?, n(1)?, n(2)?)
        } else if nums[2].len() == 4 && date_part.contains('/') {
            (n(2)?, n(0)?, n(1)?)
        } else if nums[2].len() == 2 && date_part.contains('/') {
            // `5/2/19`: POSIX's pivot, 69-99 are 1900s.
            let yy = n(2)?;
            (if yy < 69 { 2000 + yy } else { 1900 + yy }, n(0)?, n(1)?)
        } else {
            return None;
        };
        let date = Date {
            year: u16::try_from(year).ok()?,
            month: u8::try_from(month).ok()?,
            day: u8::try_from(day).ok()?,
        };
        date.is_valid().then_some(date)
    }

    fn is_valid(&self) -> bool {
        if !(1..=12).contains(&self.month) || self.day == 0 || self.year < 1000 {
            return false;
        }
        let leap = (self.year % 4 == 0 && self.year % 100 != 0) || self.year % 400 == 0;
        let days = match self.month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        self.day <= days
    }

    /// `2019-05-02`.
    pub(crate) fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fm(text: &str) -> Result<Option<FrontMatter>, SyntaxError> {
        match split(text)? {
            None => Ok(None),
            Some(block) => parse(&block).map(Some),
        }
    }

    #[test]
    fn seed_shape_parses() {
        let text = "---  \n# required metadata\ntitle: Kick-off\nms.date: 5/02/2019  \nft.audience: partner  \n---  \n\n# Body\n";
        let f = fm(text).unwrap().unwrap();
        assert_eq!(f.text("title").as_deref(), Some("Kick-off"));
        assert_eq!(f.text("ms.date").as_deref(), Some("5/02/2019"));
        assert_eq!(f.text("ft.audience").as_deref(), Some("partner"));
        assert_eq!(f.line_of("ms.date"), 4);
        let block = split(text).unwrap().unwrap();
        assert_eq!(&text[block.body_start..], "\n# Body\n");
    }

    #[test]
    fn no_front_matter_is_none() {
        assert_eq!(fm("# Title\n\ntext").unwrap(), None);
        assert_eq!(fm("").unwrap(), None);
        assert_eq!(fm("----\nx").unwrap(), None);
    }

    #[test]
    fn empty_front_matter() {
        let f = fm("---\n---\nbody").unwrap().unwrap();
        assert!(f.fields.is_empty());
    }

    #[test]
    fn unclosed_is_an_error_on_line_one() {
        let e = fm("---\ntitle: x\n\n# Body").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("never closed"));
    }

    #[test]
    fn broken_yaml_reports_line_in_file() {
        let e = fm("---\ntitle: ok\ndescription: [unclosed\nms.date: 1/1/2020\n---\n").unwrap_err();
        assert!(e.line >= 3 && e.line <= 5, "{e:?}");
        assert!(e.message.contains("YAML"));
    }

    #[test]
    fn tab_indentation_error_line() {
        let e = fm("---\ntitle: a\n\tbad: b\n---\n").unwrap_err();
        assert_eq!(e.line, 3, "{e:?}");
    }

    #[test]
    fn colon_in_value_is_syntax_error() {
        assert!(fm("---\ntitle: Guide: part one\n---\n").is_err());
    }

    #[test]
    fn repeated_key_uses_later_value_and_is_listed() {
        let f = fm("---\ntitle: a\nft.owner: x\ntags:\n  - one\ntags: [two]\nft.owner: y\n---\n")
            .unwrap()
            .unwrap();
        assert_eq!(f.text("ft.owner").as_deref(), Some("y"));
        assert_eq!(f.fields["tags"], serde_json::json!(["two"]));
        let found: Vec<(&str, u32, u32)> = f
            .duplicates
            .iter()
            .map(|d| (d.key.as_str(), d.earlier.line, d.later.line))
            .collect();
        assert_eq!(found, [("tags", 4, 6), ("ft.owner", 3, 7)]);
        assert_eq!(f.line_of("ft.owner"), 7);
        assert_eq!(
            f.value_pos("ft.owner"),
            Pos {
                line: 7,
                column: 11
            }
        );
    }

    #[test]
    fn row_09_huge_or_deep_front_matter_is_a_limit_not_a_hang() {
        let keys: String = (0..100_000).map(|i| format!("key{i}: v\n")).collect();
        let e = fm(&format!("---\n{keys}---\n# Body\n")).unwrap_err();
        assert!(e.limit, "{e:?}");
        assert_eq!((e.line, e.column), (2, 1));
        let deep = format!(
            "---\nx: {}{}\n---\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let e = fm(&deep).unwrap_err();
        assert!(e.limit, "{e:?}");
        assert_eq!(e.line, 2, "{e:?}");
        let nested = format!(
            "---\nx:\n{}---\n",
            (0..100)
                .map(|i| format!("{}- \n", "  ".repeat(i)))
                .collect::<String>()
        );
        assert!(fm(&nested).unwrap_err().limit);
        // Under the limits, thousands of keys (and repeats) stay fast.
        let many: String = (0..2000).map(|i| format!("k{}: v\n", i % 1000)).collect();
        let f = fm(&format!("---\n{many}---\n")).unwrap().unwrap();
        assert_eq!((f.fields.len(), f.duplicates.len()), (1000, 1000));
    }

    #[test]
    fn non_mapping_is_an_error() {
        assert!(fm("---\n- a\n- b\n---\n").is_err());
    }

    #[test]
    fn empty_values() {
        let f = fm("---\ntitle:\ndescription: \"  \"\ntags: []\n---\n")
            .unwrap()
            .unwrap();
        assert!(f.is_empty("title"));
        assert!(f.is_empty("description"));
        assert!(f.is_empty("tags"));
        assert!(f.is_empty("absent"));
    }

    #[test]
    fn dates() {
        let d = |s| Date::parse(s);
        assert_eq!(
            d("5/02/2019"),
            Some(Date {
                year: 2019,
                month: 5,
                day: 2
            })
        );
        assert_eq!(
            d("2019-05-02"),
            Some(Date {
                year: 2019,
                month: 5,
                day: 2
            })
        );
        assert_eq!(d("2019-05-02T10:00:00Z").unwrap().iso(), "2019-05-02");
        assert_eq!(d("2019/5/2").unwrap().iso(), "2019-05-02");
        assert_eq!(d("02/29/2020").unwrap().iso(), "2020-02-29");
        assert_eq!(d("02/29/2019"), None);
        assert_eq!(d("13/01/2019"), None);
        assert_eq!(d("someday"), None);
        assert_eq!(d("5/2/19").unwrap().iso(), "2019-05-02");
        assert_eq!(d("5/2/1"), None);
        assert_eq!(d(""), None);
        assert!(d("1/2/2020") < d("2020-01-03"));
    }
}
