//! The frame around each page (issue 13): `<title>`, the favicon, the
//! footer and its `footer.links`, "Edit this page" from `edit_url`, and
//! the errors for bad values of those keys.

mod common;

use common::TempSite;

#[test]
fn title_favicon_footer_and_edit_link() {
    let site = TempSite::sample("chrome");
    let run = site.folio("build", &[]);
    assert_eq!(run.code, 0, "{}", run.all());
    // The front matter title starts with the site title: named once.
    let kickoff = site.output("en/initiate-kickoff/index.html");
    assert!(
        kickoff.contains("<title>Run the Customer Kickoff – Northwind Partner Playbook</title>"),
        "{kickoff}"
    );
    // A translation is named by its own heading.
    let es = site.output("es/initiate-kickoff/index.html");
    assert!(
        es.contains("<title>Llevar a cabo la reunión de inicio con el cliente – Northwind Partner Playbook</title>"),
        "{es}"
    );
    // Every page links the favicon, which is written.
    assert!(
        kickoff.contains(
            "<link rel=\"icon\" href=\"../../theme/favicon.svg\" type=\"image/svg+xml\">"
        )
    );
    assert!(site.output("theme/favicon.svg").starts_with("<svg"));
    assert!(site.output("404.html").contains("theme/favicon.svg"));
    // The edit link carries the source path from the site root, encoded.
    let page = site.output("en/überblick/index.html");
    assert!(
        page.contains("<a class=\"edit-link\" href=\"https://github.com/northwind/partner-playbook/edit/main/content/english-playbook/%C3%BCberblick.md\">Edit this page</a>"),
        "{page}"
    );
    // The footer: title, build date, links.
    assert!(page.contains("<footer class=\"site-footer\">"), "{page}");
    assert!(page.contains("<li><a href=\"https://partners.example.com/\">Partner portal</a></li>"));
    assert!(page.contains("· Built <time datetime=\"2"), "{page}");
}

#[test]
fn build_date_follows_source_date_epoch() {
    let site = TempSite::sample("chrome-date");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["build", "--root"])
        .arg(&site.root)
        .env("SOURCE_DATE_EPOCH", "951782400")
        .output()
        .expect("run folio");
    assert!(run.status.success());
    let page = site.output("en/initiate-kickoff/index.html");
    assert!(
        page.contains("<time datetime=\"2000-02-29\" data-folio-date>2000-02-29</time>"),
        "{page}"
    );
}

#[test]
fn bad_footer_links_and_edit_url_name_their_line() {
    let site = TempSite::sample("chrome-bad");
    let good = site.read("folio.yml");
    for (yaml, wanted) in [
        (
            "footer:\n  links:\n    - { text: Home, url: \"javascript:alert(1)\" }\n",
            "footer.links[0].url is a javascript: URL",
        ),
        ("edit_url: https://example.com/edit/\n", "has no `{path}`"),
    ] {
        let text = good
            .lines()
            .take_while(|l| !l.starts_with("edit_url") && !l.starts_with("footer"))
            .collect::<Vec<_>>()
            .join("\n");
        site.write("folio.yml", &format!("{text}\n{yaml}"));
        let run = site.folio("build", &[]);
        assert_eq!(run.code, 2, "{}", run.all());
        assert!(run.all().contains(wanted), "{}", run.all());
        assert!(run.all().contains("folio.yml:"), "{}", run.all());
    }
}
