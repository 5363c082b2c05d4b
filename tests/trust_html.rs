//! What raw HTML and URLs written in content may do in a reader's browser
//! (issue 7, row 10 and "Unsafe URLs and HTML"), and raw-HTML parity with
//! CommonMark/GFM (issue 8, items 5, 9, 10, 11 and 12): the real binary on
//! small sites, asserting the published HTML and `folio check --format json`.

mod common;

use common::{TempSite, tree};
use serde_json::Value;

const ONE: &str = "languages:\n  - { code: en, name: English, dir: en }\n";

fn site(name: &str, yml: &str, files: &[(&str, &str)]) -> TempSite {
    let site = TempSite::new(name);
    site.write("folio.yml", yml);
    for (path, text) in files {
        site.write(&format!("content/{path}"), text);
    }
    site
}

/// `(file, line, code)` of every diagnostic, files content-relative.
fn diagnostics(site: &TempSite) -> Vec<(String, u64, String)> {
    let run = site.folio("check", &["--format", "json"]);
    let json: Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.all()));
    let mut out: Vec<(String, u64, String)> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["file"]
                    .as_str()
                    .unwrap_or("")
                    .trim_start_matches("content/")
                    .to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["code"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn with_code(found: &[(String, u64, String)], code: &str) -> Vec<(String, u64)> {
    found
        .iter()
        .filter(|(_, _, c)| c == code)
        .map(|(f, l, _)| (f.clone(), *l))
        .collect()
}

/// `folio.yml` with a `markdown.raw_html` policy; "default" writes none.
fn with_policy(policy: &str) -> String {
    match policy {
        "default" => ONE.to_string(),
        _ => format!("{ONE}markdown:\n  raw_html: {policy}\n"),
    }
}

fn build(site: &TempSite) {
    let run = site.folio("build", &[]);
    assert!(run.code == 0 || run.code == 1, "{}", run.all());
}

/// The `<article>` of a built page.
fn article(site: &TempSite, page: &str) -> String {
    let html = site.output(page);
    let start = html.find("<article").unwrap_or(0);
    let end = html[start..]
        .find("</article>")
        .map_or(html.len(), |i| start + i);
    html[start..end].to_string()
}

/// Decodes the character references a test page uses, independently of Folio.
fn decode(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        let end = rest.find(';').unwrap_or(0);
        let name = &rest[..end];
        let decoded = match name {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "colon" => Some(':'),
            "Tab" => Some('\t'),
            n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                .ok()
                .and_then(char::from_u32),
            n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) if end > 0 => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            _ => out.push('&'),
        }
    }
    out.push_str(rest);
    out
}

/// Every URL-valued attribute of the tags of an HTML text, decoded.
fn url_attributes(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for name in [
        "href",
        "src",
        "action",
        "formaction",
        "xlink:href",
        "poster",
        "data",
        "background",
        "to",
        "values",
    ] {
        let needle = format!(" {name}=");
        let lower = html.to_ascii_lowercase();
        let mut at = 0;
        while let Some(i) = lower[at..].find(&needle) {
            let start = at + i + needle.len();
            at = start;
            // Inside a tag, not text that only reads like one (`&lt;a href=…`).
            let before = &html[..start];
            if before.rfind('<') < before.rfind('>') {
                continue;
            }
            let rest = &html[start..];
            let value = match rest.chars().next() {
                Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
                _ => rest.split([' ', '>']).next().unwrap_or(""),
            };
            found.push(decode(value));
        }
    }
    found
}

fn runs_script(url: &str) -> bool {
    let squeezed: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    squeezed.starts_with("javascript:")
        || squeezed.starts_with("vbscript:")
        || (squeezed.starts_with("data:") && !squeezed.starts_with("data:image/png"))
}

const ROW_10_PAGE: &str = "# Home\n\n\
[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](&#106;avascript:alert(1))\n\n\
[d](vbscript:msgbox(1)) [e](data:text/html,<script>alert(1)</script>) <javascript:alert(2)>\n\n\
![f](javascript:alert(3)) ![g](data:image/png;base64,iVBORw0KGgo=)\n\n\
[h]: <java\tscript:alert(4)>\n\n[ref][h]\n\n\
<a href=\"java&#x09;script:alert(5)\">i</a> <img src=\"JAVASCRIPT:alert(6)\">\n\n\
<form action=\"javascript:alert(7)\"><button formaction=\"javascript:alert(8)\">j</button></form>\n\n\
<svg><a xlink:href=\"javascript:alert(9)\"><text>k</text></a></svg>\n\n\
<a href=\"https://example.com/\">fine</a> [fine](https://example.com/javascript:x)\n";

const ROW_10_TOC: &str = "- name: Home\n  href: index.md\n- name: Evil\n  href: JavaScript:alert(document.cookie)\n- name: Data\n  href: \"data:text/html,<script>x()</script>\"\n";

#[test]
fn row_10_javascript_urls_are_neutralized() {
    for policy in ["default", "allow", "escape"] {
        let yml = with_policy(policy);
        let site = site(
            &format!("row10-{policy}"),
            &yml,
            &[("en/index.md", ROW_10_PAGE), ("en/toc.yml", ROW_10_TOC)],
        );
        build(&site);
        // Nothing published runs script: the page, and the sidebar every page carries.
        let out = tree(&site.path("public"));
        let mut checked = 0;
        for (path, bytes) in &out {
            if !path.ends_with(".html") {
                continue;
            }
            let html = String::from_utf8_lossy(bytes);
            for url in url_attributes(&html) {
                checked += 1;
                assert!(!runs_script(&url), "{policy}: {path} publishes `{url}`");
            }
        }
        assert!(checked > 10, "{policy}: only {checked} URLs seen");
        let page = article(&site, "en/index.html");
        assert!(
            page.contains("about:invalid#folio-unsafe-url"),
            "{policy}: {page}"
        );
        assert!(
            page.contains("data:image/png;base64,iVBORw0KGgo="),
            "{policy}: {page}"
        );
        assert!(
            page.contains("https://example.com/javascript:x"),
            "{policy}: {page}"
        );
        // The sidebar every page carries.
        let whole = site.read("public/en/index.html");
        let start = whole.find("<nav id=\"folio-nav\"").expect("a sidebar");
        let nav = &whole[start..start + whole[start..].find("</nav>").expect("its end")];
        assert!(
            nav.contains("Evil") && !nav.to_ascii_lowercase().contains("javascript"),
            "{nav}"
        );

        // `check` reports each one where it is written.
        let found = diagnostics(&site);
        let unsafe_links = with_code(&found, "link-unsafe");
        let lines: Vec<u64> = unsafe_links
            .iter()
            .filter(|(f, _)| f == "en/index.md")
            .map(|(_, l)| *l)
            .collect();
        assert_eq!(
            lines,
            [3, 3, 3, 5, 5, 5, 7, 11, 13, 13, 15, 15, 17],
            "{policy}: {found:?}"
        );
        assert_eq!(
            with_code(&found, "link-unsafe")
                .iter()
                .filter(|(f, _)| f == "en/toc.yml")
                .count(),
            2,
            "{found:?}"
        );
    }
}

#[test]
fn row_10_check_exits_1_and_names_the_url() {
    let site = site(
        "row10-check",
        ONE,
        &[("en/index.md", "# A\n\nSee [x](javascript:alert(1)).\n")],
    );
    let run = site.folio("check", &[]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(
        run.stdout.contains("content/en/index.md:3:5: error[link-unsafe]: `javascript:alert(1)` is a `javascript:` URL"),
        "{}",
        run.all()
    );
}

#[test]
fn html_unsafe_is_reported_in_every_policy() {
    let page = "# A\n\n<script>alert(1)</script>\n\n<p onclick=\"x()\">p</p>\n\n<iframe src=\"https://example.com/\"></iframe>\n";
    for (policy, published) in [("default", false), ("escape", false), ("allow", true)] {
        let yml = with_policy(policy);
        let site = site(&format!("unsafe-{policy}"), &yml, &[("en/index.md", page)]);
        build(&site);
        let found = diagnostics(&site);
        assert_eq!(
            with_code(&found, "html-unsafe"),
            [
                ("en/index.md".to_string(), 3),
                ("en/index.md".to_string(), 5),
                ("en/index.md".to_string(), 7)
            ],
            "{policy}"
        );
        let html = article(&site, "en/index.html");
        for live in ["<script>", "<p onclick=", "<iframe"] {
            assert_eq!(html.contains(live), published, "{policy}: {live} in {html}");
        }
    }
}

#[test]
fn raw_html_policies_differ_only_in_what_they_publish() {
    let page = "# A\n\nLine<br>break, <b>bold</b> and <span style=\"color:red;position:fixed\">red</span>.\n\n<details>\n<summary>More</summary>\n\nHidden *text*.\n\n</details>\n";
    let render = |policy: &str| {
        let yml = with_policy(policy);
        let site = site(&format!("policy-{policy}"), &yml, &[("en/index.md", page)]);
        build(&site);
        article(&site, "en/index.html")
    };
    let sanitized = render("sanitize");
    for kept in [
        "<br>",
        "<b>bold</b>",
        "<span style=\"color:red\">red</span>",
        "<details>",
        "<summary>More</summary>",
        "<em>text</em>",
    ] {
        assert!(sanitized.contains(kept), "{kept}: {sanitized}");
    }
    assert!(!sanitized.contains("position"), "{sanitized}");
    let allowed = render("allow");
    assert!(
        allowed.contains("<span style=\"color:red;position:fixed\">red</span>"),
        "{allowed}"
    );
    let escaped = render("escape");
    assert!(
        escaped.contains("Line&lt;br&gt;break, &lt;b&gt;bold&lt;/b&gt;"),
        "{escaped}"
    );
    assert!(escaped.contains("&lt;details&gt;"), "{escaped}");

    let bad = site(
        "policy-bad",
        &format!("{ONE}markdown:\n  raw_html: maybe\n"),
        &[("en/index.md", page)],
    );
    let run = bad.folio("check", &[]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("folio.yml:4") && run.stderr.contains("allow"),
        "{}",
        run.all()
    );
}

#[test]
fn item_05_urls_are_percent_encoded_once() {
    let page = "# A\n\n[pipe](https://example.com/q?a=1|2) [space](<https://example.com/a b>) \
[chars](https://example.com/{x}^`y`\\z) [kept](https://example.com/a%20b%7C) [pct](https://example.com/100%) \
[frag](#x|y) [page](<other page.md#sec|x>) [mail](mailto:a@example.com?subject=a|b)\n";
    let site = site(
        "item05",
        ONE,
        &[
            ("en/index.md", page),
            ("en/other page.md", "# Other\n\n## Sec|x\n"),
        ],
    );
    build(&site);
    let html = article(&site, "en/index.html");
    for href in [
        "href=\"https://example.com/q?a=1%7C2\"",
        "href=\"https://example.com/a%20b\"",
        "href=\"https://example.com/%7Bx%7D%5E%60y%60/z\"",
        "href=\"https://example.com/a%20b%7C\"",
        "href=\"https://example.com/100%25\"",
        "href=\"#x%7Cy\"",
        "href=\"other%20page/#sec%7Cx\"",
        "href=\"mailto:a@example.com?subject=a%7Cb\"",
    ] {
        assert!(html.contains(href), "{href} missing: {html}");
    }
    // No character a URL may not hold is left in any href Folio wrote.
    for url in url_attributes(&html) {
        assert!(
            !url.contains(['|', ' ', '{', '}', '^', '`', '\\', '"', '<', '>']),
            "`{url}` in {html}"
        );
    }
}

#[test]
fn item_09_tagfilter_keeps_the_rest_of_the_page() {
    let page = "# Guide\n\n\
Put the name in <title> and styles in <style>.\n\n\
Use a <textarea> for input, <noscript> for fallbacks and <template> for clones.\n\n\
<style>\nbody { display: none }\n</style>\n\n\
Also <script>alert(1)</script> and <xmp>, <iframe>, <noembed>, <noframes>, <plaintext>.\n\n\
## Later section\n\nStill visible text.\n";
    let site = site(
        "item09",
        ONE,
        &[
            ("en/index.md", "# Home\n\n[Guide](guide.md)\n"),
            ("en/guide.md", page),
            ("en/next.md", "# Next\n"),
        ],
    );
    build(&site);
    let full = site.output("en/guide/index.html");
    let html = article(&site, "en/guide/index.html");
    for tag in [
        "title",
        "style",
        "textarea",
        "noscript",
        "template",
        "script",
        "xmp",
        "iframe",
        "noembed",
        "noframes",
        "plaintext",
    ] {
        assert!(
            !html.contains(&format!("<{tag}")),
            "<{tag}> is live: {html}"
        );
        assert!(
            html.contains(&format!("&lt;{tag}>")) || html.contains(&format!("&lt;{tag}&gt;")),
            "<{tag}> not shown: {html}"
        );
    }
    assert!(html.contains("body { display: none }"), "{html}");
    assert!(html.contains("Still visible text."), "{html}");
    // The page around the article (on this page, pager) is intact.
    assert!(full.contains("href=\"#later-section\""), "{full}");
    assert!(full.contains("</html>"));
}

#[test]
fn item_10_entities_in_raw_attributes_are_not_double_escaped() {
    let page = "# A\n\n<a href=\"?q=a&amp;r=b\" title=\"caf&eacute;\">q</a> <img src=\"a&ouml;.png\" alt=\"caf&eacute;\">\n\n\
<a href=\"guide.md#s&eacute;\">g</a>\n";
    let site = site(
        "item10",
        ONE,
        &[
            ("en/index.md", page),
            ("en/aö.png", "png"),
            ("en/guide.md", "# Guide\n\n## Sé\n"),
        ],
    );
    build(&site);
    let found = diagnostics(&site);
    assert!(found.is_empty(), "{found:?}");
    let html = article(&site, "en/index.html");
    assert!(html.contains("href=\"?q=a&amp;r=b\""), "{html}");
    assert!(
        !html.contains("&amp;amp;")
            && !html.contains("&amp;eacute;")
            && !html.contains("&amp;ouml;"),
        "{html}"
    );
    assert!(html.contains("src=\"aö.png\""), "{html}");
    assert!(
        html.contains("title=\"café\"") || html.contains("title=\"caf&eacute;\""),
        "{html}"
    );
    assert!(html.contains("href=\"guide/#sé\""), "{html}");
    assert!(site.exists("public/en/aö.png"));
}

#[test]
fn item_11_placeholders_stay_visible_and_markup_stays_markup() {
    let page = "# A\n\n\
Role: <Customer name>\n\n\
<div>\n<Customer name>\n</div>\n\n\
<p>Owner: <Depends on customer></p>\n\n\
<table><tr><td><Depends on customer></td></tr></table>\n\n\
   <Customer name>\n\n\
<svg width=\"10\" height=\"10\"><defs><linearGradient id=\"g\"><stop offset=\"0\" stop-color=\"red\"/></linearGradient></defs><rect width=\"10\" height=\"10\" fill=\"url(#g)\"/></svg>\n\n\
<math><msup><mi>x</mi><mn>2</mn></msup><mfrac><mn>1</mn><mn>2</mn></mfrac></math>\n\n\
<my-widget>w</my-widget> <bab>b</bab>\n";
    let site = site("item11", ONE, &[("en/index.md", page)]);
    build(&site);
    let html = article(&site, "en/index.html");
    assert_eq!(html.matches("&lt;Customer name&gt;").count(), 3, "{html}");
    assert_eq!(
        html.matches("&lt;Depends on customer&gt;").count(),
        2,
        "{html}"
    );
    for markup in [
        "<linearGradient id=\"g\">",
        "<stop offset=\"0\" stop-color=\"red\">",
        "<msup><mi>x</mi>",
        "<mfrac>",
    ] {
        assert!(html.contains(markup), "{markup}: {html}");
    }
    assert!(
        !html.contains("&lt;linearGradient")
            && !html.contains("&lt;msup")
            && !html.contains("&lt;my-widget")
            && !html.contains("&lt;bab"),
        "{html}"
    );
    let found = diagnostics(&site);
    assert_eq!(
        with_code(&found, "html-placeholder")
            .iter()
            .map(|(_, l)| *l)
            .collect::<Vec<_>>(),
        [3, 6, 9, 11, 13],
        "{found:?}"
    );
    assert!(
        found.iter().all(|(_, _, c)| c == "html-placeholder"),
        "{found:?}"
    );
}

#[test]
fn item_12_md_links_inside_scripts_and_cdata_are_left_alone() {
    let page = "# A\n\n\
<script>\nvar link = \"<a href='other.md'>other</a>\";\nvar img = '<img src=\"media/gone.png\">';\n</script>\n\n\
Inline <script>document.write(\"<a href='gone.md'>x</a>\")</script> too.\n\n\
<![CDATA[ <a href=\"gone.md\">x</a> <img src=\"gone.png\"> ]]>\n\n\
[real](other.md) <a href=\"other.md\">raw</a>\n";
    for policy in ["default", "allow"] {
        let yml = with_policy(policy);
        let site = site(
            &format!("item12-{policy}"),
            &yml,
            &[("en/index.md", page), ("en/other.md", "# Other\n")],
        );
        build(&site);
        let found = diagnostics(&site);
        assert!(
            found.iter().all(|(_, _, c)| c == "html-unsafe"),
            "{policy}: {found:?}"
        );
        let html = article(&site, "en/index.html");
        // The script's strings are as written; the real links are rewritten.
        assert!(html.contains("other.md"), "{policy}: {html}");
        assert_eq!(
            html.matches("href=\"other/\"").count(),
            2,
            "{policy}: {html}"
        );
        if policy == "allow" {
            assert!(
                html.contains("var link = \"<a href='other.md'>other</a>\";"),
                "{html}"
            );
        }
    }
}
