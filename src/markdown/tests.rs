use super::*;
use crate::config::TaskLabels;
use std::collections::HashMap;

struct Files(HashMap<String, String>);

impl Sources for Files {
    fn markdown(&self, path: &str) -> Option<&str> {
        self.0.get(path).map(String::as_str)
    }
    fn display(&self, path: &str) -> String {
        format!("content/{path}")
    }
}

fn parse_with(text: &str, lang: &str, files: &[(&str, &str)]) -> (Document, String) {
    let files = Files(
        files
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
    );
    let en = TaskLabels::english();
    let de = TaskLabels {
        id: vec!["Aufgaben-ID".into()],
        name: vec!["Name der Aufgabe".into()],
        requirement: vec!["(E) Erforderlich (O) Optional".into()],
        mandatory: vec!["E".into()],
        optional: vec!["O".into()],
        ..TaskLabels::default()
    };
    let mut labels = vec![("en", &en), ("de", &de)];
    if lang == "de" {
        labels.reverse();
    }
    let cx = ParseContext {
        path: "en/page.md",
        text,
        body_start: 0,
        sources: &files,
        lang,
        task_labels: labels,
        raw_html: crate::config::RawHtml::default(),
    };
    let doc = parse(&cx);
    let html = doc.body.render(|i| format!("[{}]", doc.links[i].dest));
    (doc, html)
}

fn parse_md(text: &str) -> (Document, String) {
    parse_with(text, "en", &[])
}

#[test]
fn heading_ids_are_github_compatible_and_unique() {
    let (doc, html) = parse_md(
        "# Título\n\n## Guía de red\n\n## Guía de red\n\n## 概要\n\n### Custom {#my-id}\n",
    );
    let ids: Vec<&str> = doc.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(
        ids,
        ["título", "guía-de-red", "guía-de-red-1", "概要", "my-id"]
    );
    assert!(html.contains("<h2 id=\"guía-de-red-1\">"), "{html}");
    assert_eq!(doc.title.as_deref(), Some("Título"));
    assert!(doc.anchors.contains("my-id"));
    assert_eq!(doc.headings[1].pos.line, 3);
}

#[test]
fn html_anchors_are_collected() {
    let (doc, _) = parse_md("## <a name=\"old-name\"></a>Heading\n\n<div id=\"box\">x</div>\n");
    assert!(doc.anchors.contains("old-name"));
    assert!(doc.anchors.contains("box"));
    assert!(doc.anchors.contains("heading"));
}

#[test]
fn links_get_slots_and_positions() {
    let (doc, html) =
        parse_md("Intro\n\nSee [next](next.md#goals) and ![img](media/a.png \"T\").\n");
    assert_eq!(doc.links.len(), 2);
    assert_eq!(doc.links[0].dest, "next.md#goals");
    assert_eq!(doc.links[0].kind, LinkKind::Link);
    assert_eq!((doc.links[0].pos.line, doc.links[0].pos.column), (3, 5));
    assert_eq!(doc.links[1].kind, LinkKind::Image);
    assert!(
        html.contains("<a href=\"[next.md#goals]\">next</a>"),
        "{html}"
    );
    assert!(
        html.contains("<img src=\"[media/a.png]\" alt=\"img\" title=\"T\" loading=\"lazy\">"),
        "{html}"
    );
}

#[test]
fn links_in_code_are_not_links() {
    let (doc, html) = parse_md("`[a](b.md)`\n\n```\n[c](d.md)\n```\n\n    [e](f.md)\n");
    assert!(doc.links.is_empty());
    assert!(html.contains("[a](b.md)"));
}

#[test]
fn raw_html_links_are_rewritten() {
    let (doc, html) = parse_md("<a href=\"x.md\">x</a> and <img src=\"media/y.png\" alt=\"y\">\n");
    let dests: Vec<&str> = doc.links.iter().map(|l| l.dest.as_str()).collect();
    assert_eq!(dests, ["x.md", "media/y.png"]);
    assert!(html.contains("<a href=\"[x.md]\">"), "{html}");
    assert!(html.contains("<img src=\"[media/y.png]\""), "{html}");
}

#[test]
fn email_autolink_becomes_mailto() {
    let (doc, _) = parse_md("Write to <team@example.com>.\n");
    assert_eq!(doc.links[0].dest, "mailto:team@example.com");
}

#[test]
fn placeholder_tags_stay_visible() {
    let (_, html) = parse_md("Role: <Depends on customer>\n\n<Depends on customer>\n");
    assert_eq!(
        html.matches("&lt;Depends on customer&gt;").count(),
        2,
        "{html}"
    );
    let (_, html) = parse_md("Line<br>break\n");
    assert!(html.contains("<br>"));
}

#[test]
fn callouts_render_with_localized_titles() {
    let (_, html) = parse_md("> [!NOTE]\n> Read this.\n");
    assert!(
        html.contains("<div class=\"callout callout-note\" role=\"note\">"),
        "{html}"
    );
    assert!(
        html.contains("<p class=\"callout-title\">Note</p>"),
        "{html}"
    );
    assert!(html.contains("Read this."));
    assert!(!html.contains("[!NOTE]"));
    let (_, html) = parse_with(">[!Important]\n> Wichtig.\n", "de", &[]);
    assert!(
        html.contains("callout-important") && html.contains(">Wichtig</p>"),
        "{html}"
    );
    let (_, html) = parse_md("> [!TIP] Same line.\n");
    assert!(
        html.contains("callout-tip") && html.contains("Same line.") && !html.contains("[!TIP]"),
        "{html}"
    );
    let (_, html) = parse_md("> [!HINWEIS]\n> Text.\n");
    assert!(
        html.contains("<p class=\"callout-title\">Hinweis</p>"),
        "{html}"
    );
    let (_, html) = parse_md("> plain quote\n");
    assert!(html.contains("<blockquote>"), "{html}");
}

#[test]
fn includes_are_inlined_with_their_links_positioned_in_the_fragment() {
    let (doc, html) = parse_with(
        "# P\n\n[!INCLUDE [f](includes/f.md)]\n",
        "en",
        &[("en/includes/f.md", "> [!TIP]\n> See [x](../x.md).\n")],
    );
    assert!(html.contains("callout-tip"), "{html}");
    assert_eq!(doc.files, ["en/page.md", "en/includes/f.md"]);
    let link = &doc.links[0];
    assert_eq!((link.pos.file, link.pos.line, link.pos.column), (1, 2, 7));
}

#[test]
fn missing_include_is_a_diagnostic() {
    let (doc, _) = parse_md("[!INCLUDE [f](includes/nope.md)]\n");
    assert_eq!(doc.diagnostics.len(), 1);
    assert_eq!(
        doc.diagnostics[0].code,
        crate::diagnostic::Code::IncludeMissing
    );
}

#[test]
fn docfx_image_directive() {
    let (doc, html) =
        parse_md(":::image type=\"content\" source=\"media/a.png\" alt-text=\"Alt text\":::\n");
    assert_eq!(doc.links[0].dest, "media/a.png");
    assert_eq!(doc.links[0].kind, LinkKind::Image);
    assert!(
        html.contains("<img src=\"[media/a.png]\" alt=\"Alt text\""),
        "{html}"
    );
}

const SEED_TABLE: &str = "\
#### FTOP Tasks

| Task ID | Task Name | (M)andatory / (O)ptional | FastTrack Role | Services |
| ------- | --------- | :----------------------: | :------------: | -------- |
| 3979    | Handoff   |            O             | FastTrack Manager | All services |
| [3616](https://example.com/t) | Outreach | M | FastTrack Manager | All |
| 42 | Short row | M |
";

#[test]
fn task_tables_are_recognized_and_rendered() {
    let (doc, html) = parse_md(SEED_TABLE);
    assert_eq!(doc.tasks.len(), 1);
    let t = &doc.tasks[0];
    assert_eq!(t.labels, "en");
    assert_eq!(t.header_cells, 5);
    assert_eq!(t.pos.line, 3);
    let ids: Vec<&str> = t.rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["3979", "3616", "42"]);
    assert_eq!(t.rows[0].requirement.as_deref(), Some("O"));
    assert_eq!(t.rows[2].source_cells, 3);
    assert_eq!(t.rows[2].pos.line, 7);
    assert!(html.contains("<table class=\"task-table\">"), "{html}");
    assert!(html.contains("<th scope=\"col\">Task ID</th>"), "{html}");
    assert!(html.contains("<tr id=\"task-3979\">"), "{html}");
    assert!(
        html.contains("class=\"task-requirement task-mandatory\""),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"[https://example.com/t]\">3616</a>"),
        "{html}"
    );
    assert!(doc.anchors.contains("task-3616"));
}

#[test]
fn german_task_table_uses_german_labels() {
    let (doc, html) = parse_with(
        "| Aufgaben-ID | Name der Aufgabe | (E) Erforderlich (O) Optional |\n|---|---|---|\n| 1 | Eins | E |\n",
        "de",
        &[],
    );
    assert_eq!(doc.tasks[0].labels, "de");
    assert!(html.contains("task-mandatory"), "{html}");
}

#[test]
fn ordinary_tables_are_accessible_but_not_tasks() {
    let (doc, html) = parse_md("| Date | Who |\n|:--|--:|\n| 1/1/2020 | Ann |\n");
    assert!(doc.tasks.is_empty());
    assert!(
        html.contains("<th scope=\"col\" style=\"text-align: left\">Date</th>"),
        "{html}"
    );
    assert!(
        html.contains("<td style=\"text-align: right\">Ann</td>"),
        "{html}"
    );
}

#[test]
fn text_is_escaped() {
    let (_, html) = parse_md("a < b & \"c\"\n\n<script>alert(1)</script>\n");
    assert!(
        html.contains("a &lt; b &amp; &quot;c&quot;") || html.contains("a &lt; b &amp; \"c\""),
        "{html}"
    );
}

#[test]
fn links_inside_alt_text_take_no_slot() {
    let (doc, html) = parse_md("![see [x](y.md) and ![i](j.png)](k.png) then [z](z.md)\n");
    let dests: Vec<&str> = doc.links.iter().map(|l| l.dest.as_str()).collect();
    assert_eq!(dests, ["k.png", "z.md"]);
    assert!(html.contains("alt=\"see x and i\""), "{html}");
    assert!(html.contains("<a href=\"[z.md]\">z</a>"), "{html}");
}
