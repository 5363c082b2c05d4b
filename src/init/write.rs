//! The `folio.yml` that `folio init` writes: every finding as a key, with
//! a comment saying where it came from and how sure it is.

use super::detect::{LangPlan, Plan};
use super::tasks::Labels;
use std::fmt::Write as _;

/// A YAML scalar: plain when that is unambiguous, else double-quoted
/// (JSON's escapes are YAML's).
pub(crate) fn scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_alphanumeric())
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '/'))
        && !s.ends_with(' ')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        )
        && s.parse::<f64>().is_err();
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
    }
}

/// `[a, "b: c"]`.
fn list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|i| scalar(i)).collect();
    format!("[{}]", items.join(", "))
}

/// The `languages:` list and `default_language:`, also what placement
/// is tried with before the whole file is written.
pub(crate) fn languages(langs: &[LangPlan], default: &str) -> String {
    let mut out = format!("default_language: {}\nlanguages:\n", scalar(default));
    for l in langs {
        let mut entry = format!(
            "  - {{ code: {}, name: {}, dir: {}",
            scalar(&l.code),
            scalar(&l.name),
            scalar(&l.dir)
        );
        if !l.suffixes.is_empty() {
            let _ = write!(entry, ", suffixes: {}", list(&l.suffixes));
        }
        entry.push_str(" }");
        let _ = writeln!(out, "{entry:<100} # {}: {}", l.sure, l.why);
    }
    out
}

fn task_line(code: &str, l: &Labels) -> String {
    let mut parts = vec![format!("id: {}", list(&l.id))];
    for (key, values) in [
        ("name", &l.name),
        ("requirement", &l.requirement),
        ("role", &l.role),
        ("services", &l.services),
        ("mandatory", &l.mandatory),
        ("optional", &l.optional),
    ] {
        if !values.is_empty() {
            parts.push(format!("{key}: {}", list(values)));
        }
    }
    format!("  {}: {{ {} }}", scalar(code), parts.join(", "))
}

/// The whole file.
pub(crate) fn config(plan: &Plan, default: &str) -> String {
    let mut out = String::from(
        "# Folio configuration, written by `folio init` from what it found in this\n\
         # folder. Every key is optional; the README describes them all. Check the\n\
         # lines marked \"likely\" or \"a guess\", then run `folio check`.\n\n",
    );
    let _ = writeln!(out, "title: {}", scalar(&plan.title));
    out.push_str("# base_url: https://example.com/playbook/   # where the site is published (canonical links, sitemap)\n");
    let _ = writeln!(
        out,
        "content_dir: {}   # {}",
        scalar(&plan.content_dir),
        plan.content_why
    );
    let _ = writeln!(
        out,
        "output_dir: {}   # written by `folio build`; add it to .gitignore",
        scalar(&plan.output_dir)
    );
    if !plan.exclude.is_empty() || !plan.exclude_files.is_empty() {
        let mut globs: Vec<String> = plan.exclude.iter().map(|e| format!("**/{e}/**")).collect();
        globs.extend(plan.exclude_files.iter().cloned());
        let _ = writeln!(
            out,
            "exclude: {}   # archive-like folders and the repository's own files: not published or checked",
            list(&globs)
        );
    }
    let _ = writeln!(out, "\n# {}: {}", plan.default_why.0, plan.default_why.1);
    out.push_str(&languages(&plan.languages, default));
    front_matter(plan, &mut out);
    if !plan.tasks.is_empty() {
        out.push_str("\n# Task tables: the header labels and requirement values seen in each language's pages.\ntasks:\n");
        for (code, labels) in &plan.tasks {
            let sure = if labels.sure {
                "sure: the header's letters and every value seen agree"
            } else {
                "a guess: check mandatory and optional"
            };
            let _ = writeln!(out, "  # {code}: {} tables; {sure}", labels.tables);
            let _ = writeln!(out, "{}", task_line(code, labels));
        }
    }
    out.push_str("\n# checks:\n#   severity: { translation-missing: warning }   # error, warning or off per code\n");
    out
}

fn front_matter(plan: &Plan, out: &mut String) {
    let required: Vec<String> = plan.required.iter().map(|(k, _)| k.clone()).collect();
    if required.is_empty() && plan.date_key.is_none() {
        return;
    }
    let _ = writeln!(out, "\nfront_matter:");
    if !required.is_empty() {
        let _ = writeln!(
            out,
            "  required: {}   # each on at least 95 % of the {} pages",
            list(&required),
            plan.pages
        );
    }
    if let Some((key, n, dates)) = &plan.date_key {
        let _ = writeln!(
            out,
            "  date_key: {}   # on {n} pages, {dates} of them dates",
            scalar(key)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_quote_what_yaml_would_misread() {
        assert_eq!(scalar("english-playbook"), "english-playbook");
        assert_eq!(scalar("Task ID"), "Task ID");
        assert_eq!(
            scalar("(M)andatory / (O)ptional"),
            "\"(M)andatory / (O)ptional\""
        );
        assert_eq!(scalar("no"), "\"no\"");
        assert_eq!(scalar("123"), "\"123\"");
        assert_eq!(scalar(""), "\"\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("タスク ID"), "タスク ID");
        assert_eq!(scalar("say \"hi\""), "\"say \\\"hi\\\"\"");
    }
}
