//! `playbook:` in `folio.yml`: the words a playbook marks its structure
//! with, per language code: the page's phase line (`Phase: **Initiate**`),
//! a section's lines (`Primary Role: **…**`, `Applies To: **…**`,
//! `Motions: **…**`) and the heading of the refresh-summary table.

use super::{Invalid, Language};
use crate::yaml::Step;
use serde::Deserialize;
use std::collections::BTreeMap;

/// One language's labels. Matching ignores case and surrounding or
/// repeated spaces; a line is recognized by any language's labels
/// (translations often keep the English ones).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct PlaybookLabels {
    pub(crate) phase: Vec<String>,
    pub(crate) role: Vec<String>,
    pub(crate) applies_to: Vec<String>,
    pub(crate) motions: Vec<String>,
    pub(crate) refresh_summary: Vec<String>,
}

/// `playbook.<code>` as written: a missing list keeps its default.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPlaybookLabels {
    phase: Option<Vec<String>>,
    role: Option<Vec<String>>,
    applies_to: Option<Vec<String>>,
    motions: Option<Vec<String>>,
    refresh_summary: Option<Vec<String>>,
}

impl PlaybookLabels {
    /// The English labels, which `en` has unless `folio.yml` says otherwise.
    pub(crate) fn english() -> PlaybookLabels {
        let v = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
        PlaybookLabels {
            phase: v(&["Phase"]),
            role: v(&["Primary Role", "Primary Roles"]),
            applies_to: v(&["Applies To"]),
            motions: v(&["Motions"]),
            refresh_summary: v(&["Refresh Summary"]),
        }
    }

    /// Every label of every language, for matching: `(phase, role,
    /// applies_to, motions, refresh_summary)`.
    pub(crate) fn all<'a>(sets: impl Iterator<Item = &'a PlaybookLabels>) -> [Vec<&'a str>; 5] {
        let mut all: [Vec<&str>; 5] = Default::default();
        for set in sets {
            let lists = [
                &set.phase,
                &set.role,
                &set.applies_to,
                &set.motions,
                &set.refresh_summary,
            ];
            for (into, list) in all.iter_mut().zip(lists) {
                into.extend(list.iter().map(String::as_str));
            }
        }
        all
    }
}

/// `playbook:` resolved: each key a language code of the site; `en`, when
/// it is one, has the English labels for every list it does not set.
pub(super) fn resolve(
    raw: BTreeMap<String, RawPlaybookLabels>,
    languages: &[Language],
    invalid: &Invalid<'_>,
) -> Result<BTreeMap<String, PlaybookLabels>, super::ConfigError> {
    let mut resolved = BTreeMap::new();
    for code in raw.keys() {
        if !languages.iter().any(|l| &l.code == code) {
            return Err(invalid(
                &[Step::Key("playbook"), Step::KeyName(code)],
                format!(
                    "playbook: `{code}` is not one of the languages ({}); use a language code",
                    languages
                        .iter()
                        .map(|l| l.code.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    let english = PlaybookLabels::english();
    let mut raw = raw;
    if !raw.contains_key("en") {
        raw.insert("en".into(), RawPlaybookLabels::default());
    }
    for (code, labels) in raw {
        let base = if code == "en" {
            english.clone()
        } else {
            PlaybookLabels::default()
        };
        resolved.insert(
            code,
            PlaybookLabels {
                phase: labels.phase.unwrap_or(base.phase),
                role: labels.role.unwrap_or(base.role),
                applies_to: labels.applies_to.unwrap_or(base.applies_to),
                motions: labels.motions.unwrap_or(base.motions),
                refresh_summary: labels.refresh_summary.unwrap_or(base.refresh_summary),
            },
        );
    }
    Ok(resolved)
}
