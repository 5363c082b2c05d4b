//! `folio serve` end to end: a server on an ephemeral loopback port over a
//! temporary copy of the sample site, driven over HTTP and the live-reload
//! event stream while the test edits, breaks, deletes and renames files.
//! Waits are upper bounds, never timing claims.

mod common;

use common::{Events, PATIENCE, TempSite, eventually, get, request, start};
use folio::serve::{ServeError, ServeOptions, Workspace};
use std::collections::BTreeSet;
use std::time::Duration;

const KICKOFF: &str = "content/english-playbook/initiate-kickoff.md";
const KICKOFF_URL: &str = "/en/initiate-kickoff/";
const KICKOFF_OUT: &str = "en/initiate-kickoff/index.html";

#[test]
fn serves_pages_assets_redirects_and_404s() {
    let site = TempSite::sample("static");
    let (server, _log) = start(&site);
    let addr = server.addr();

    let page = get(addr, KICKOFF_URL);
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.header("Cache-Control"), Some("no-store"));
    assert!(
        page.text().contains("<h1 id=\"run-the-customer-kickoff\""),
        "{}",
        page.text()
    );
    assert!(
        page.text().contains("/__folio/live.js"),
        "live-reload script added"
    );
    let on_disk = site.read(&format!("public/{KICKOFF_OUT}"));
    assert!(
        !on_disk.contains("__folio"),
        "the script is added when serving, not written"
    );
    assert!(on_disk.contains(&format!(
        "http://127.0.0.1:{}/en/initiate-kickoff/",
        addr.port()
    )));

    let redirect = get(addr, "/en/initiate-kickoff?x=1");
    assert_eq!(redirect.status, 301);
    assert_eq!(
        redirect.header("Location"),
        Some("/en/initiate-kickoff/?x=1")
    );

    assert_eq!(get(addr, "/").status, 200, "the language chooser");
    let unicode = get(addr, "/en/%C3%BCberblick/");
    assert_eq!(unicode.status, 200);
    assert!(unicode.text().contains("Unicode paths work."));

    let japanese = get(addr, "/en/%E3%82%AC%E3%82%A4%E3%83%89/");
    assert_eq!(japanese.status, 200);
    assert!(japanese.text().contains("Japanese paths work."));
    let slashless = get(addr, "/en/%E3%82%AC%E3%82%A4%E3%83%89");
    assert_eq!(slashless.status, 301);
    assert_eq!(
        slashless.header("Location"),
        Some("/en/%E3%82%AC%E3%82%A4%E3%83%89/")
    );

    let missing = get(addr, "/en/no-such-page/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.text().contains("noindex"),
        "the site's 404.html: {}",
        missing.text()
    );
    assert!(missing.text().contains("data-missing=\"1\""));

    for (ext, kind) in [
        ("css", "text/css; charset=utf-8"),
        ("js", "text/javascript; charset=utf-8"),
        ("json", "application/json"),
        ("png", "image/png"),
        ("jpg", "image/jpeg"),
        ("gif", "image/gif"),
        ("webp", "image/webp"),
        ("ico", "image/x-icon"),
        ("pdf", "application/pdf"),
        ("woff2", "font/woff2"),
        ("xml", "application/xml"),
        ("txt", "text/plain; charset=utf-8"),
    ] {
        let reply = get(addr, &format!("/en/media/sample.{ext}"));
        assert_eq!(reply.status, 200, "{ext}");
        assert_eq!(reply.header("Content-Type"), Some(kind), "{ext}");
        assert_eq!(reply.header("Cache-Control"), Some("no-store"), "{ext}");
    }
    let svg = get(addr, "/en/media/lifecycle.svg");
    assert_eq!(svg.header("Content-Type"), Some("image/svg+xml"));
    assert_eq!(
        get(addr, "/sitemap.xml").header("Content-Type"),
        Some("application/xml")
    );

    server.shutdown();
}

#[test]
fn head_and_other_methods() {
    let site = TempSite::sample("head");
    let (server, _log) = start(&site);
    let addr = server.addr();
    let host = format!("127.0.0.1:{}", addr.port());
    let full = get(addr, KICKOFF_URL);
    let head = request(addr, "HEAD", KICKOFF_URL, &host);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        head.header("Content-Length")
            .and_then(|l| l.parse::<usize>().ok()),
        Some(full.body.len())
    );
    assert_eq!(request(addr, "HEAD", "/nope/", &host).status, 404);
    let post = request(addr, "POST", KICKOFF_URL, &host);
    assert_eq!(post.status, 405);
    assert_eq!(post.header("Allow"), Some("GET, HEAD"));
}

/// A page on the preview cannot be read by another site through a DNS name
/// that points at 127.0.0.1.
#[test]
fn requests_for_other_host_names_are_refused() {
    let site = TempSite::sample("host");
    let (server, _log) = start(&site);
    let addr = server.addr();
    let port = addr.port();
    assert_eq!(
        request(addr, "GET", KICKOFF_URL, &format!("evil.example:{port}")).status,
        403
    );
    for host in [
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        "127.0.0.1".into(),
    ] {
        assert_eq!(
            request(addr, "GET", KICKOFF_URL, &host).status,
            200,
            "{host}"
        );
    }
}

#[test]
fn edit_reloads_and_broken_front_matter_keeps_the_last_good_page() {
    let site = TempSite::sample("edit");
    let (server, log) = start(&site);
    let addr = server.addr();
    let (mut events, hello) = Events::open(addr);
    assert!(hello.problems().is_empty());

    // Edit: the new text is served and open pages are told to reload.
    site.edit(KICKOFF, |t| {
        t.replace("Phase: **Initiate**", "Phase: **Initiate** (live edit one)")
    });
    let within = Duration::from_secs(2);
    let reload = events.reload_of(KICKOFF_OUT, within);
    assert!(
        reload.is_some(),
        "reload event within 2 s; log: {:?}",
        log.lines()
    );
    assert!(get(addr, KICKOFF_URL).text().contains("live edit one"));
    assert!(
        eventually(PATIENCE, || log
            .lines()
            .iter()
            .any(|l| l.starts_with("rebuilt 1 page in "))),
        "{:?}",
        log.lines()
    );

    // Broken front matter: an error event, and the last good page stays.
    site.edit(KICKOFF, |t| {
        t.replacen("title: Northwind", "title: \"Northwind", 1)
            .replace("(live edit one)", "(live edit two)")
    });
    let errors = events
        .wait_for(PATIENCE, |e| e.name == "errors" && !e.problems().is_empty())
        .expect("errors event");
    let problem = &errors.problems()[0];
    assert!(
        problem.starts_with("content/english-playbook/initiate-kickoff.md:")
            && problem.contains("front-matter-syntax"),
        "{problem}"
    );
    assert_eq!(errors.data["stale"], true);
    let served = get(addr, KICKOFF_URL);
    assert_eq!(served.status, 200);
    assert!(served.text().contains("live edit one") && !served.text().contains("live edit two"));
    // A page loaded now learns about the problem when it connects.
    let (_other, hello) = Events::open(addr);
    assert_eq!(hello.problems(), errors.problems());

    // Fixed: the overlay clears and the page reloads with the new text.
    site.edit(KICKOFF, |t| {
        t.replacen("title: \"Northwind", "title: Northwind", 1)
    });
    assert!(events.reload_of(KICKOFF_OUT, PATIENCE).is_some());
    assert!(get(addr, KICKOFF_URL).text().contains("live edit two"));
    let cleared = events.errors(PATIENCE).expect("errors event after the fix");
    assert!(cleared.problems().is_empty(), "{cleared:?}");
}

#[test]
fn deleted_page_disappears_and_links_to_it_become_errors() {
    let site = TempSite::sample("delete");
    let (server, log) = start(&site);
    let addr = server.addr();
    let (mut events, _) = Events::open(addr);
    assert_eq!(get(addr, "/en/initiate-governance/").status, 200);

    std::fs::remove_file(site.path("content/english-playbook/initiate-governance.md")).unwrap();
    let reload = events
        .reload_of("en/initiate-governance/index.html", PATIENCE)
        .expect("reload");
    // Translations lose the language from their switchers.
    assert!(
        reload
            .paths()
            .contains(&"es/initiate-governance/index.html".to_string()),
        "{reload:?}"
    );
    let errors = events.errors(PATIENCE).expect("errors event");
    let problems = errors.problems();
    assert!(
        problems.iter().any(
            |p| p.starts_with("content/english-playbook/initiate-kickoff.md:")
                && p.contains("initiate-governance.md")
                && p.contains("[link-broken]")
        ),
        "{problems:#?}"
    );
    assert_eq!(
        errors.data["stale"], false,
        "the site is current; its links are broken"
    );
    assert_eq!(get(addr, "/en/initiate-governance/").status, 404);
    assert!(!site.path("public/en/initiate-governance").exists());
    assert!(
        eventually(PATIENCE, || {
            log.lines()
                .iter()
                .any(|l| l.starts_with("rebuilt ") && l.contains(", removed 1 in "))
        }),
        "{:?}",
        log.lines()
    );
}

#[test]
fn renamed_page_moves_to_its_new_url() {
    let site = TempSite::sample("rename");
    let (server, _log) = start(&site);
    let addr = server.addr();
    let (mut events, _) = Events::open(addr);
    std::fs::rename(
        site.path(KICKOFF),
        site.path("content/english-playbook/initiate-kickoff-meeting.md"),
    )
    .unwrap();
    let reload = events.reload_of(KICKOFF_OUT, PATIENCE).expect("reload");
    assert!(
        reload
            .paths()
            .contains(&"en/initiate-kickoff-meeting/index.html".to_string())
    );
    assert_eq!(get(addr, KICKOFF_URL).status, 404);
    let moved = get(addr, "/en/initiate-kickoff-meeting/");
    assert_eq!(moved.status, 200);
    assert!(moved.text().contains("Run the customer kickoff"));

    // A folder renamed: everything in it moves.
    std::fs::rename(
        site.path("content/english-playbook/media"),
        site.path("content/english-playbook/images"),
    )
    .unwrap();
    assert!(
        events
            .reload_of("en/images/lifecycle.svg", PATIENCE)
            .is_some()
    );
    assert_eq!(get(addr, "/en/media/lifecycle.svg").status, 404);
    assert_eq!(get(addr, "/en/images/lifecycle.svg").status, 200);
}

#[test]
fn editor_saves_by_rename_and_leftover_files_are_ignored() {
    let site = TempSite::sample("editor");
    let (server, log) = start(&site);
    let addr = server.addr();
    let (mut events, _) = Events::open(addr);
    let dir = site.path("content/english-playbook");

    // Backup, swap and lock files alone start no rebuild.
    for leftover in [
        "initiate-kickoff.md~",
        ".initiate-kickoff.md.swp",
        ".#initiate-kickoff.md",
        "4913",
    ] {
        std::fs::write(dir.join(leftover), "---\ntitle: [broken\n---\n").unwrap();
    }
    assert!(
        events.errors(Duration::from_millis(700)).is_none(),
        "{:?}",
        log.lines()
    );

    // Vim's save: probe file, original renamed to a backup, new file
    // written, backup deleted.
    std::fs::remove_file(dir.join("4913")).unwrap();
    let text = site
        .read(KICKOFF)
        .replace("Phase: **Initiate**", "Phase: saved by rename");
    std::fs::rename(
        dir.join("initiate-kickoff.md"),
        dir.join("initiate-kickoff.md~"),
    )
    .unwrap();
    std::fs::write(dir.join("initiate-kickoff.md"), text).unwrap();
    std::fs::remove_file(dir.join("initiate-kickoff.md~")).unwrap();
    assert!(
        events.reload_of(KICKOFF_OUT, PATIENCE).is_some(),
        "{:?}",
        log.lines()
    );
    assert!(get(addr, KICKOFF_URL).text().contains("saved by rename"));

    // An atomic save (VS Code, JetBrains): a temporary file renamed over the page.
    let text = site
        .read(KICKOFF)
        .replace("saved by rename", "saved atomically");
    std::fs::write(dir.join(".initiate-kickoff.md.tmp"), text).unwrap();
    std::fs::rename(
        dir.join(".initiate-kickoff.md.tmp"),
        dir.join("initiate-kickoff.md"),
    )
    .unwrap();
    assert!(events.reload_of(KICKOFF_OUT, PATIENCE).is_some());
    assert!(get(addr, KICKOFF_URL).text().contains("saved atomically"));

    // A new page appears.
    site.write(
        "content/english-playbook/new-page.md",
        "---\ntitle: New\ndescription: d\nms.date: 2024-01-01\n---\n\n# A new page\n",
    );
    assert!(
        events
            .reload_of("en/new-page/index.html", PATIENCE)
            .is_some()
    );
    assert_eq!(get(addr, "/en/new-page/").status, 200);
}

#[test]
fn invalid_folio_yml_or_template_keeps_serving_the_last_good_site() {
    let site = TempSite::sample("config");
    let (server, _log) = start(&site);
    let addr = server.addr();
    let (mut events, _) = Events::open(addr);
    let good_config = site.read("folio.yml");

    site.write("folio.yml", &format!("{good_config}\nlanguagez: []\n"));
    let errors = events
        .wait_for(PATIENCE, |e| e.name == "errors" && !e.problems().is_empty())
        .expect("errors event");
    assert!(errors.problems()[0].starts_with("folio.yml:"), "{errors:?}");
    assert!(errors.problems()[0].contains("languagez"), "{errors:?}");
    assert_eq!(get(addr, KICKOFF_URL).status, 200, "still serving");
    // Content edits still show while folio.yml is broken.
    site.edit(KICKOFF, |t| {
        t.replace("Phase: **Initiate**", "Phase: edited meanwhile")
    });
    assert!(events.reload_of(KICKOFF_OUT, PATIENCE).is_some());
    assert!(get(addr, KICKOFF_URL).text().contains("edited meanwhile"));

    site.write(
        "folio.yml",
        &good_config.replace("Northwind Partner Playbook", "Renamed Playbook"),
    );
    assert!(
        events.reload_of(KICKOFF_OUT, PATIENCE).is_some(),
        "a folio.yml change rebuilds everything"
    );
    let cleared = events.errors(PATIENCE).expect("errors after the fix");
    assert!(cleared.problems().is_empty(), "{cleared:?}");
    assert!(get(addr, KICKOFF_URL).text().contains("Renamed Playbook"));

    // A site template that does not parse.
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block body %}{% if %}{% endblock body %}",
    );
    let errors = events
        .wait_for(PATIENCE, |e| e.name == "errors" && !e.problems().is_empty())
        .expect("errors event");
    assert!(
        errors.problems()[0].starts_with("templates/page.html"),
        "{errors:?}"
    );
    assert!(
        get(addr, KICKOFF_URL).text().contains("edited meanwhile"),
        "last good page"
    );
    // A template that parses: every page takes it.
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block body %}<p>custom template</p>{{ page.content | safe }}{% endblock body %}",
    );
    let cleared = events.errors(PATIENCE).expect("errors after the fix");
    assert!(cleared.problems().is_empty(), "{cleared:?}");
    assert!(eventually(PATIENCE, || get(addr, KICKOFF_URL)
        .text()
        .contains("custom template")));
    assert!(
        get(addr, "/es/initiate-kickoff/")
            .text()
            .contains("custom template")
    );
}

#[test]
fn traversal_attempts_never_reach_files_outside_the_output() {
    let site = TempSite::sample("traversal");
    let (server, _log) = start(&site);
    let addr = server.addr();
    let secret = "TOP-SECRET-NOT-FOR-THE-WEB";
    site.write("secret.txt", secret);
    let secret_path = site.path("secret.txt");
    let abs = secret_path.display().to_string();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&secret_path, site.path("public/linked.txt")).unwrap();
        std::os::unix::fs::symlink(&site.root, site.path("public/up")).unwrap();
    }
    let attempts = [
        "/../secret.txt".to_string(),
        "/../../secret.txt".into(),
        "/en/../../secret.txt".into(),
        "/%2e%2e/secret.txt".into(),
        "/%2E%2E/secret.txt".into(),
        "/..%2fsecret.txt".into(),
        "/%2e%2e%2fsecret.txt".into(),
        "/en/%2e%2e/%2e%2e/secret.txt".into(),
        "/..\\secret.txt".into(),
        "/en\\..\\..\\secret.txt".into(),
        "/%5c..%5csecret.txt".into(),
        "/..%5csecret.txt".into(),
        format!("/{abs}"),
        format!("//{abs}"),
        format!("/{}", abs.replace('/', "%2f")),
        abs.clone(),
        "http://127.0.0.1/../secret.txt".into(),
        "/linked.txt".into(),
        "/up/secret.txt".into(),
        "/up/folio.yml".into(),
        "/.folio-output".into(),
    ];
    for target in &attempts {
        let reply = get(addr, target);
        assert!(
            matches!(reply.status, 400 | 404),
            "{target}: {}",
            reply.status
        );
        assert!(!reply.text().contains(secret), "{target} leaked the file");
    }
    assert_eq!(get(addr, "/en/").status, 200, "still serving");
}

#[test]
fn fifty_open_pages_do_not_starve_requests() {
    let site = TempSite::sample("many");
    let (server, _log) = start(&site);
    let addr = server.addr();
    let mut streams: Vec<Events> = (0..50).map(|_| Events::open(addr).0).collect();
    assert!(eventually(PATIENCE, || server.live_clients() == 50));

    // Normal requests are answered while all 50 streams are open.
    let started = std::time::Instant::now();
    for _ in 0..20 {
        let reply = get(addr, KICKOFF_URL);
        assert_eq!(reply.status, 200);
    }
    assert!(
        started.elapsed() < PATIENCE,
        "20 requests took {:?}",
        started.elapsed()
    );

    // Every stream hears about a rebuild.
    site.edit(KICKOFF, |t| {
        t.replace("Phase: **Initiate**", "Phase: fifty")
    });
    for (n, stream) in streams.iter_mut().enumerate() {
        assert!(
            stream.reload_of(KICKOFF_OUT, PATIENCE).is_some(),
            "stream {n}"
        );
    }
    // Closed tabs are dropped.
    streams.truncate(10);
    site.edit(KICKOFF, |t| t.replace("Phase: fifty", "Phase: ten"));
    assert!(streams[0].reload_of(KICKOFF_OUT, PATIENCE).is_some());
    assert!(
        eventually(PATIENCE, || server.live_clients() == 10),
        "{}",
        server.live_clients()
    );
    assert!(get(addr, KICKOFF_URL).text().contains("Phase: ten"));
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let site = TempSite::sample("port");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let mut options = ServeOptions::new(&site.root);
    options.port = port;
    options.log = std::sync::Arc::new(|_: &str| {});
    let err = folio::serve::start(options).err().expect("port in use");
    assert!(matches!(err, ServeError::PortInUse { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains(&port.to_string()) && message.contains("--port"),
        "{message}"
    );
}

/// The incremental rebuild re-renders exactly the pages whose output
/// depends on the edit (no watcher: the workspace is driven directly).
#[test]
fn an_edit_rerenders_only_the_pages_that_depend_on_it() {
    let site = TempSite::sample("incremental");
    let (mut ws, mut first) = Workspace::open(&site.root, "http://127.0.0.1:1/").expect("opens");
    assert!(first.pages > 20, "{}", first.pages);
    // As the server does: the first check follows the first build (and
    // writes the print pages).
    ws.check(&mut first);
    assert!(first.changed.contains(&"de/print/index.html".to_string()));
    let touched = |rel: &str| BTreeSet::from([rel.trim_start_matches("content/").to_string()]);

    // Body text: only the page itself.
    site.edit(KICKOFF, |t| {
        t.replace("Phase: **Initiate**", "Phase: body only")
    });
    let mut r = ws.rebuild_content(&touched(KICKOFF));
    assert_eq!(pages_changed(&r.changed), vec![KICKOFF_OUT.to_string()]);
    assert_eq!(r.pages, 1);
    // The page's new words: a few of its language's search shards, no more.
    let search: Vec<&String> = r
        .changed
        .iter()
        .filter(|p| p.starts_with("_folio/search/"))
        .collect();
    assert!(
        !search.is_empty() && search.iter().all(|p| p.starts_with("_folio/search/en/")),
        "{search:?}"
    );
    // The language's print page, which holds every page's body, is
    // written after the reload, with the checks.
    ws.check(&mut r);
    assert_eq!(
        pages_changed(&r.changed),
        vec![KICKOFF_OUT.to_string(), "en/print/index.html".into()]
    );
    assert!(
        site.read("public/en/print/index.html")
            .contains("Phase: body only")
    );

    // Saved unchanged: nothing is written.
    let r = ws.rebuild_content(&touched(KICKOFF));
    assert!(r.changed.is_empty(), "{:?}", r.changed);

    // The first heading is what neighbours show in their pagers.
    site.edit(KICKOFF, |t| {
        t.replace("# Run the customer kickoff", "# Run the kickoff meeting")
    });
    let r = ws.rebuild_content(&touched(KICKOFF));
    assert!(r.changed.contains(&KICKOFF_OUT.to_string()));
    assert!(
        r.changed
            .contains(&"en/phase-initiate/index.html".to_string()),
        "{:?}",
        r.changed
    );
    assert!(
        r.changed
            .contains(&"en/initiate-governance/index.html".to_string()),
        "{:?}",
        r.changed
    );
    assert!(r.pages < 6, "{:?}", r.changed);
    assert!(
        !r.changed
            .iter()
            .any(|p| p.starts_with("es/") || p.starts_with("de/")),
        "{:?}",
        r.changed
    );
    assert_up_to_date(&mut ws);

    // The date is in the sitemap and the translation dashboard; an edited
    // image is copied, nothing else.
    site.edit(KICKOFF, |t| {
        t.replace("ms.date: 3/05/2024", "ms.date: 3/06/2024")
    });
    let r = ws.rebuild_content(&touched(KICKOFF));
    assert_eq!(
        r.changed,
        vec![
            KICKOFF_OUT.to_string(),
            "sitemap.xml".into(),
            "status.json".into(),
            "status/index.html".into()
        ]
    );
    assert_up_to_date(&mut ws);
    let image = "content/english-playbook/media/lifecycle.svg";
    site.edit(image, |t| t.replace("</svg>", "<!-- edited --></svg>"));
    let r = ws.rebuild_content(&touched(image));
    assert_eq!(r.changed, vec!["en/media/lifecycle.svg".to_string()]);
    assert!(
        site.read("public/en/media/lifecycle.svg")
            .contains("edited")
    );

    // A translation disappears: the other languages' switchers change.
    std::fs::remove_file(site.path("content/spanish-playbook/initiate-kickoff-es.md")).unwrap();
    let r = ws.rebuild_content(&touched("content/spanish-playbook/initiate-kickoff-es.md"));
    for page in [
        KICKOFF_OUT,
        "de/initiate-kickoff/index.html",
        "es/initiate-kickoff/index.html",
    ] {
        assert!(
            r.changed.contains(&page.to_string()),
            "{page}: {:?}",
            r.changed
        );
    }
    // Its place is taken by the fallback page: the English text, not indexed.
    assert!(
        site.read("public/es/initiate-kickoff/index.html")
            .contains("<meta name=\"robots\" content=\"noindex\">")
    );
    assert_up_to_date(&mut ws);

    // An include: every page that includes it.
    let fragment = "content/english-playbook/includes/feedback.md";
    site.edit(fragment, |t| format!("{t}\nOne more line.\n"));
    let r = ws.rebuild_content(&touched(fragment));
    let including: Vec<String> = ws
        .site()
        .pages()
        .filter(|(_, p)| {
            p.files()
                .iter()
                .any(|f| f == "english-playbook/includes/feedback.md")
        })
        .map(|(_, p)| format!("{}index.html", p.url()))
        .collect();
    assert!(!including.is_empty());
    // Plus the Spanish fallback page made from the English kickoff above.
    let mut expected = including.clone();
    expected.push("es/initiate-kickoff/index.html".to_string());
    expected.sort();
    assert_eq!(
        r.changed
            .iter()
            .filter(|p| p.ends_with("index.html"))
            .cloned()
            .collect::<Vec<_>>(),
        expected
    );

    // A rebuild of everything refills an output folder emptied meanwhile,
    // and leaves files whose bytes did not change alone.
    std::fs::remove_dir_all(site.path("public/en")).unwrap();
    let r = ws.rebuild_everything();
    assert!(site.path("public").join(KICKOFF_OUT).is_file());
    assert!(
        !r.changed.iter().any(|p| p.starts_with("de/")),
        "{:?}",
        r.changed
    );
}

/// The task index, its exports and the phase overview are generated from
/// every page: an edit of a task table writes them again (and only the
/// language's own), an edit elsewhere leaves them alone, and a site that
/// stops or starts having a task table loses or gains them, with every
/// page's link to them.
#[test]
fn a_task_table_edit_rewrites_the_task_index_exports_and_phases() {
    let site = TempSite::new("serve-tasks");
    site.write("folio.yml", "title: T\ndefault_language: en\nlanguages:\n  - code: en\n    name: English\n    dir: en\n  - code: de\n    name: Deutsch\n    dir: de\n");
    let table = "| Task ID | Task Name | (M)andatory / (O)ptional | Partner Role | Services |\n|---|---|:---:|---|---|\n| 7001 | Book the venue | M | Host | All |\n";
    let plan = format!(
        "---\nms.date: 2024-01-02\n---\n# Plan\n\nPhase: **Prepare**\n\nSome prose.\n\n{table}"
    );
    site.write("content/en/plan.md", &plan);
    site.write(
        "content/en/other.md",
        "# Other\n\nPhase: **Prepare**\n\nText.\n",
    );
    site.write("content/de/plan.md", "# Plan\n\nText.\n");
    let (mut ws, _) = Workspace::open(&site.root, "http://127.0.0.1:1/").expect("opens");
    let touched = |rel: &str| BTreeSet::from([rel.trim_start_matches("content/").to_string()]);
    assert!(site.read("public/en/tasks.json").contains("Book the venue"));
    let generated = [
        "en/phases/index.html",
        "en/tasks.csv",
        "en/tasks.json",
        "en/tasks/index.html",
    ];

    // A task renamed and made optional; one added.
    site.edit("content/en/plan.md", |t| {
        t.replace(
            "| 7001 | Book the venue | M |",
            "| 7001 | Book the hall | O |",
        ) + "| 7002 | Send invitations | M | Host | All |\n"
    });
    let r = ws.rebuild_content(&touched("content/en/plan.md"));
    let mut expected: Vec<String> = generated.iter().map(|p| p.to_string()).collect();
    expected.push("en/plan/index.html".into());
    expected.sort();
    assert_eq!(pages_changed(&r.changed), expected);
    let json = site.read("public/en/tasks.json");
    assert!(json.contains("\"name\":\"Book the hall\""), "{json}");
    assert!(json.contains("\"id\":\"7002\""), "{json}");
    assert!(
        site.read("public/en/tasks.csv")
            .contains("Send invitations")
    );
    assert!(
        site.read("public/en/tasks/index.html")
            .contains("Book the hall")
    );
    assert!(site.read("public/de/tasks.json").contains("\"tasks\":[\n]"));
    assert_up_to_date(&mut ws);

    // Prose that moves no row: only the page.
    site.edit("content/en/plan.md", |t| {
        t.replace("Some prose.", "Other prose.")
    });
    let r = ws.rebuild_content(&touched("content/en/plan.md"));
    assert_eq!(
        pages_changed(&r.changed),
        vec!["en/plan/index.html".to_string()]
    );

    // The phase of another page changes: the phase overview follows.
    site.edit("content/en/other.md", |t| {
        t.replace("**Prepare**", "**Deliver**")
    });
    let r = ws.rebuild_content(&touched("content/en/other.md"));
    assert!(
        r.changed.contains(&"en/phases/index.html".to_string()),
        "{:?}",
        r.changed
    );
    assert!(site.read("public/en/phases/index.html").contains("Deliver"));
    assert_up_to_date(&mut ws);

    // The only task table goes: no task index, and no page links to one.
    site.write(
        "content/en/plan.md",
        "# Plan\n\nPhase: **Prepare**\n\nNo tasks.\n",
    );
    let r = ws.rebuild_content(&touched("content/en/plan.md"));
    for gone in ["en/tasks/index.html", "en/tasks.json", "de/tasks.csv"] {
        assert!(
            !site.path("public").join(gone).exists(),
            "{gone}: {:?}",
            r.changed
        );
    }
    assert!(!site.read("public/de/plan/index.html").contains("tasks/"));
    assert!(site.path("public/en/phases/index.html").is_file());
    assert_up_to_date(&mut ws);

    // And comes back.
    site.write("content/en/plan.md", &plan);
    ws.rebuild_content(&touched("content/en/plan.md"));
    assert!(!site.read("public/de/tasks/index.html").contains("7001"));
    assert!(
        site.read("public/en/tasks/index.html")
            .contains("Book the venue")
    );
    assert!(site.read("public/de/plan/index.html").contains("tasks/"));
    assert_up_to_date(&mut ws);
}

/// A toc is read again when it changes, and only then: every page of the
/// language shows the tree in its sidebar, so those pages (and no other
/// language's) are written again, with the new entries.
#[test]
fn a_toc_edit_rerenders_the_navigation_and_the_pages_it_moves() {
    let site = TempSite::sample("toc-edit");
    let (mut ws, _) = Workspace::open(&site.root, "http://127.0.0.1:1/").expect("opens");
    let toc = "content/english-playbook/toc.yml";
    let touched = BTreeSet::from([toc.trim_start_matches("content/").to_string()]);
    let only_english = |changed: &[String]| {
        assert!(!changed.is_empty());
        assert!(changed.iter().all(|p| p.starts_with("en/")), "{changed:?}");
    };

    // A new name: the English pages' sidebars show it.
    site.edit(toc, |t| {
        t.replace(
            "- name: Run the customer kickoff",
            "- name: Kickoff with the customer",
        )
    });
    let r = ws.rebuild_content(&touched);
    only_english(&r.changed);
    assert!(
        r.changed
            .contains(&"en/initiate-governance/index.html".to_string())
    );
    assert!(
        site.read("public/en/initiate-governance/index.html")
            .contains(">Kickoff with the customer</a>")
    );

    // Two entries swapped: the pagers and sidebars follow, the print page,
    // and the task index, its exports and the phase overview (toc order).
    site.edit(toc, |t| {
        t.replace(
            "    - name: Kickoff with the customer\n      href: initiate-kickoff.md\n    - name: Establish delivery governance\n      href: initiate-governance.md\n",
            "    - name: Establish delivery governance\n      href: initiate-governance.md\n    - name: Kickoff with the customer\n      href: initiate-kickoff.md\n",
        )
    });
    let mut r = ws.rebuild_content(&touched);
    only_english(&r.changed);
    ws.check(&mut r);
    for generated in [
        "en/phases/index.html",
        "en/tasks.csv",
        "en/tasks.json",
        "en/tasks/index.html",
    ] {
        assert!(
            r.changed.contains(&generated.to_string()),
            "{generated}: {:?}",
            r.changed
        );
    }
    assert!(
        r.changed.contains(&"en/print/index.html".to_string()),
        "{:?}",
        r.changed
    );
    let kickoff = site.read(&format!("public/{KICKOFF_OUT}"));
    let sidebar = &kickoff[kickoff.find("folio-nav").expect("sidebar")..];
    assert!(
        sidebar.find(">Establish delivery governance<")
            < sidebar.find(">Kickoff with the customer<"),
        "{sidebar}"
    );
    assert_up_to_date(&mut ws);

    // Saved again unchanged: nothing is written.
    let r = ws.rebuild_content(&touched);
    assert!(r.changed.is_empty(), "{:?}", r.changed);
}

/// Without a toc, a page's sidebar entry is its heading: a new heading
/// shows in every sidebar of the tree (`serve` keeps sidebars between
/// saves and makes again only those of trees that changed), and a save
/// that changes no heading leaves the other pages as they are.
#[test]
fn a_new_heading_shows_in_every_sidebar_of_its_tree() {
    let site = TempSite::new("serve-retitle");
    site.write("folio.yml", "title: T\ndefault_language: en\nlanguages:\n  - code: en\n    name: English\n    dir: en\n");
    for (name, heading) in [
        ("alpha", "Alpha"),
        ("bravo", "Bravo"),
        ("charlie", "Charlie"),
    ] {
        site.write(
            &format!("content/en/{name}.md"),
            &format!("# {heading}\n\nText.\n"),
        );
    }
    let (mut ws, _) = Workspace::open(&site.root, "http://127.0.0.1:1/").expect("opens");
    let touched = BTreeSet::from(["en/bravo.md".to_string()]);
    let sidebar = |page: &str| {
        let html = site.read(&format!("public/en/{page}/index.html"));
        let start = html.find("folio-nav").expect("a sidebar");
        html[start..].to_string()
    };
    assert!(sidebar("alpha").contains(">Bravo</a>"));

    site.edit("content/en/bravo.md", |t| {
        t.replace("# Bravo", "# Bravo renamed")
    });
    let r = ws.rebuild_content(&touched);
    for page in ["alpha", "charlie"] {
        assert!(
            r.changed.contains(&format!("en/{page}/index.html")),
            "{page}: {:?}",
            r.changed
        );
        assert!(sidebar(page).contains(">Bravo renamed</a>"), "{page}");
    }
    assert_up_to_date(&mut ws);

    site.edit("content/en/bravo.md", |t| format!("{t}\nMore text.\n"));
    let r = ws.rebuild_content(&touched);
    assert_eq!(pages_changed(&r.changed), ["en/bravo/index.html"]);
    assert!(sidebar("charlie").contains(">Bravo renamed</a>"));
    assert_up_to_date(&mut ws);
}

/// A page created and listed in the toc appears in every sidebar of its
/// language; a toc entry that leads nowhere is marked there (serve only).
#[test]
fn a_new_page_in_the_toc_appears_in_every_sidebar_and_broken_entries_show() {
    let site = TempSite::sample("sidebar-new-page");
    let (mut ws, _) = Workspace::open(&site.root, "http://127.0.0.1:1/").expect("opens");
    let toc = "content/english-playbook/toc.yml";
    let page = "content/english-playbook/initiate-closeout.md";
    site.write(
        page,
        "---\ntitle: Close out\n---\n# Close out the initiate phase\n",
    );
    site.edit(toc, |t| {
        t.replace(
            "    - name: Establish delivery governance\n      href: initiate-governance.md\n",
            "    - name: Establish delivery governance\n      href: initiate-governance.md\n    - name: Close out\n      href: initiate-closeout.md\n    - name: Not written yet\n      href: initiate-missing.md\n",
        )
    });
    let touched = BTreeSet::from([
        toc.trim_start_matches("content/").to_string(),
        page.trim_start_matches("content/").to_string(),
    ]);
    let r = ws.rebuild_content(&touched);
    assert!(
        r.changed
            .contains(&"en/initiate-closeout/index.html".to_string())
    );
    for other in [
        "en/initiate-kickoff/index.html",
        "en/assess-network-readiness/index.html",
    ] {
        assert!(
            r.changed.contains(&other.to_string()),
            "{other}: {:?}",
            r.changed
        );
        let html = site.read(&format!("public/{other}"));
        assert!(
            html.contains("initiate-closeout/\">Close out</a>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"nav-broken\" title=\"toc-broken: initiate-missing.md\">Not written yet</span>"),
            "{html}"
        );
    }
    assert!(
        !r.changed
            .iter()
            // The new page's own fallback page is new; nothing else changes.
            .any(|p| p.starts_with("es/")
                && p != "es/print/index.html"
                && p != "es/initiate-closeout/index.html"),
        "{:?}",
        r.changed
    );
    assert_up_to_date(&mut ws);
}

/// When files come and go, only the pages that show them are rendered
/// again: the new page, pages whose links now lead somewhere else, its
/// translations' switchers.
#[test]
fn pages_that_come_and_go_rerender_only_the_pages_that_show_them() {
    let site = TempSite::sample("come-and-go");
    let (mut ws, _) = Workspace::open(&site.root, "http://127.0.0.1:1/").expect("opens");
    let touched = |rel: &str| BTreeSet::from([rel.trim_start_matches("content/").to_string()]);
    let governance = "content/english-playbook/initiate-governance.md";
    let later = "content/english-playbook/later.md";
    site.edit(governance, |t| format!("{t}\nSee [later](later.md).\n"));
    ws.rebuild_content(&touched(governance));

    std::fs::write(
        site.path(later),
        "# Later\n\nBack to [governance](initiate-governance.md).\n",
    )
    .unwrap();
    let r = ws.rebuild_content(&touched(later));
    for out in ["en/later/index.html", "en/initiate-governance/index.html"] {
        assert!(
            r.changed.contains(&out.to_string()),
            "{out}: {:?}",
            r.changed
        );
    }
    assert!(r.pages <= 3, "{:?}", r.changed);
    assert_up_to_date(&mut ws);

    std::fs::remove_file(site.path(later)).unwrap();
    let r = ws.rebuild_content(&touched(later));
    assert!(
        r.changed
            .contains(&"en/initiate-governance/index.html".to_string())
    );
    assert!(!site.path("public/en/later").exists());
    assert!(r.pages <= 2, "{:?}", r.changed);
    assert_up_to_date(&mut ws);

    let spanish = "content/spanish-playbook/initiate-kickoff-es.md";
    let moved = "content/spanish-playbook/kickoff-es.md";
    std::fs::rename(site.path(spanish), site.path(moved)).unwrap();
    let mut both = touched(spanish);
    both.extend(touched(moved));
    let r = ws.rebuild_content(&both);
    assert!(
        r.changed.contains(&"es/kickoff/index.html".to_string()),
        "{:?}",
        r.changed
    );
    assert!(
        r.changed.contains(&KICKOFF_OUT.to_string()),
        "{:?}",
        r.changed
    );
    assert_up_to_date(&mut ws);
}

/// A change to a file's text.
type Edit = fn(String) -> String;

/// Checks after a rebuild look only at what it may have changed (the
/// edited page, its translations, pages linking into it), and find what a
/// full `folio check` finds.
#[test]
fn incremental_checks_find_what_a_full_check_finds() {
    let site = TempSite::sample("incremental-checks");
    let (mut ws, mut first) = Workspace::open(&site.root, "http://127.0.0.1:1/").expect("opens");
    ws.check(&mut first);
    let full = || {
        let config = folio::load_config(&site.root, None).expect("config");
        folio::check_with(config, None).diagnostics
    };
    assert_eq!(ws.diagnostics(), full());
    let touched = |rel: &str| BTreeSet::from([rel.trim_start_matches("content/").to_string()]);
    let edits: [(&str, Edit); 4] = [
        // A broken link.
        (KICKOFF, |t| format!("{t}\n[Gone](no-such-page.md)\n")),
        // A section others link to loses its heading.
        (KICKOFF, |t| t.replace("## ", "Was a heading: ")),
        // The original's task tables change: translations are compared with them.
        (KICKOFF, |t| t.replace("| 4101 |", "| 9101 |")),
        // A newer original makes translations stale.
        (KICKOFF, |t| {
            t.replace("ms.date: 3/05/2024", "ms.date: 3/05/2025")
        }),
    ];
    for (n, (file, edit)) in edits.into_iter().enumerate() {
        site.edit(file, edit);
        let mut r = ws.rebuild_content(&touched(file));
        ws.check(&mut r);
        assert_eq!(ws.diagnostics(), full(), "after edit {n}");
    }
    let broken = ws
        .diagnostics()
        .into_iter()
        .filter(|d| d.to_string().contains("no-such-page.md"))
        .count();
    assert_eq!(broken, 1);
}

/// A check gives way to a newer save: the save is rebuilt (and reloaded)
/// first, and the check that follows covers both.
#[test]
fn a_check_gives_way_to_a_newer_save() {
    let site = TempSite::sample("check-gives-way");
    let (mut ws, mut first) = Workspace::open(&site.root, "http://127.0.0.1:1/").expect("opens");
    ws.check(&mut first);
    let touched = |rel: &str| BTreeSet::from([rel.trim_start_matches("content/").to_string()]);

    site.edit(KICKOFF, |t| format!("{t}\n[Gone](no-such-page.md)\n"));
    let mut first_save = ws.rebuild_content(&touched(KICKOFF));
    assert_eq!(
        pages_changed(&first_save.changed),
        vec![KICKOFF_OUT.to_string()]
    );
    let newer_save_waiting = || true;
    assert!(!ws.check_unless(&mut first_save, &newer_save_waiting));
    assert!(
        first_save.problems().is_empty(),
        "{:?}",
        first_save.problems()
    );

    let other = "content/english-playbook/initiate-governance.md";
    site.edit(other, |t| format!("{t}\nOne more line.\n"));
    let mut second_save = ws.rebuild_content(&touched(other));
    assert_eq!(
        pages_changed(&second_save.changed),
        vec!["en/initiate-governance/index.html".to_string()]
    );
    assert!(ws.check_unless(&mut second_save, &|| false));
    assert!(
        second_save
            .problems()
            .iter()
            .any(|p| p.to_string().contains("no-such-page.md")),
        "{:?}",
        second_save.problems()
    );
}

/// The print page written after a save (a whole language: 170 MB on
/// 50,000 pages) gives way to a newer save between two of its pages, as
/// the checks do; it is written whole by the check that follows.
#[test]
fn a_print_page_gives_way_to_a_newer_save() {
    let site = TempSite::sample("print-gives-way");
    let (mut ws, mut first) = Workspace::open(&site.root, "http://127.0.0.1:1/").expect("opens");
    ws.check(&mut first);
    let touched = |rel: &str| BTreeSet::from([rel.trim_start_matches("content/").to_string()]);
    let print = "en/print/index.html";
    let before = site.read(&format!("public/{print}"));

    site.edit(KICKOFF, |t| {
        t.replace("Phase: **Initiate**", "Phase: a newer line")
    });
    let mut save = ws.rebuild_content(&touched(KICKOFF));
    // Asked before the language and before each of its pages: the second
    // page finds a newer save waiting.
    let asked = std::sync::atomic::AtomicUsize::new(0);
    let newer_save_after_one_page = || asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst) >= 2;
    assert!(!ws.check_unless(&mut save, &newer_save_after_one_page));
    assert!(
        !save.changed.contains(&print.to_string()),
        "{:?}",
        save.changed
    );
    assert_eq!(site.read(&format!("public/{print}")), before);

    ws.check(&mut save);
    assert!(
        save.changed.contains(&print.to_string()),
        "{:?}",
        save.changed
    );
    assert!(
        site.read(&format!("public/{print}"))
            .contains("Phase: a newer line")
    );
}

/// Rendering everything again changes no file: the incremental rebuilds
/// before left nothing out.
fn assert_up_to_date(ws: &mut Workspace) {
    let r = ws.rebuild_everything();
    assert!(r.changed.is_empty(), "left out: {:?}", r.changed);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_command_cleanly() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let site = TempSite::sample("sigint");
    let mut child = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["serve", "--port", "0", "--root"])
        .arg(&site.root)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("folio starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let url = loop {
        let line = lines.next().expect("a line").expect("readable");
        if let Some(rest) = line.strip_prefix("serving ") {
            break rest.split(' ').next().unwrap_or("").to_string();
        }
    };
    let addr: std::net::SocketAddr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .expect("address in the URL");
    let (_events, _) = Events::open(addr);
    assert_eq!(get(addr, KICKOFF_URL).status, 200);

    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    assert!(
        eventually(PATIENCE, || child.try_wait().ok().flatten().is_some()),
        "exits on Ctrl-C"
    );
    // The port is free again and no half-written files are left.
    std::net::TcpListener::bind(addr).expect("port released");
    let leftovers: Vec<_> = walk(&site.path("public"))
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".folio-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[cfg(unix)]
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// Fallback pages and stale notices stay right in `serve`: a new original
/// gets fallback pages, a translation replaces its fallback page (and the
/// other fallback pages' switchers lead to it), an edit of the original
/// re-renders its fallback pages, a date edit brings a stale notice or
/// takes it away, and deleting files brings fallback pages back or
/// removes them. After each step a full rebuild changes nothing.
#[test]
fn fallback_pages_and_stale_notices_follow_edits() {
    let site = TempSite::sample("fallbacks");
    let (mut ws, _) = Workspace::open(&site.root, "http://127.0.0.1:1/").expect("opens");
    let touched = |rel: &str| BTreeSet::from([rel.trim_start_matches("content/").to_string()]);
    let original = "content/english-playbook/plan-rollout.md";
    let spanish = "content/spanish-playbook/plan-rollout-es.md";
    let (es_out, de_out) = (
        "public/es/plan-rollout/index.html",
        "public/de/plan-rollout/index.html",
    );
    let page = |date: &str, title: &str, body: &str| {
        format!(
            "---\ntitle: {title}\ndescription: Waves.\nms.date: {date}\n---\n\n# {title}\n\n{body}\n"
        )
    };
    let noindex = "<meta name=\"robots\" content=\"noindex\">";

    // A new original: a fallback page in each other language.
    site.write(
        original,
        &page("2024-03-01", "Plan the rollout", "Roll out in waves."),
    );
    let r = ws.rebuild_content(&touched(original));
    for out in [es_out, de_out] {
        let html = site.read(out);
        assert!(html.contains(noindex), "{out}");
        assert!(html.contains("translation-notice"), "{out}");
        assert!(html.contains("Roll out in waves."), "{out}");
        assert!(
            r.changed.contains(&out["public/".len()..].to_string()),
            "{out}: {:?}",
            r.changed
        );
    }
    assert_up_to_date(&mut ws);

    // The Spanish translation replaces its fallback page; the German
    // fallback page's switcher now leads to it as a real translation.
    site.write(
        spanish,
        &page("2024-03-02", "Planificar", "Desplegar por olas."),
    );
    ws.rebuild_content(&touched(spanish));
    let es = site.read(es_out);
    assert!(!es.contains(noindex) && !es.contains("translation-notice"));
    assert!(es.contains("Desplegar por olas."));
    let de = site.read(de_out);
    assert!(de.contains(noindex));
    assert!(de.contains("hreflang=\"es\""), "{de}");
    assert_up_to_date(&mut ws);

    // An edit of the original's text (no file comes or goes): its
    // fallback page shows the new text.
    site.edit(original, |t| {
        t.replace("Roll out in waves.", "Roll out in three waves.")
    });
    let r = ws.rebuild_content(&touched(original));
    assert!(site.read(de_out).contains("Roll out in three waves."));
    assert!(
        r.changed
            .contains(&"de/plan-rollout/index.html".to_string()),
        "{:?}",
        r.changed
    );
    assert_up_to_date(&mut ws);

    // The original's date moves past the translation's: a stale notice.
    site.edit(original, |t| {
        t.replace("ms.date: 2024-03-01", "ms.date: 2024-04-01")
    });
    let r = ws.rebuild_content(&touched(original));
    assert!(site.read(es_out).contains("translation-notice"));
    assert!(
        r.changed
            .contains(&"es/plan-rollout/index.html".to_string()),
        "{:?}",
        r.changed
    );
    assert!(
        r.changed.contains(&"status.json".to_string()),
        "{:?}",
        r.changed
    );
    assert_up_to_date(&mut ws);
    // The translation catches up: the notice goes.
    site.edit(spanish, |t| {
        t.replace("ms.date: 2024-03-02", "ms.date: 2024-04-02")
    });
    ws.rebuild_content(&touched(spanish));
    assert!(!site.read(es_out).contains("translation-notice"));
    assert_up_to_date(&mut ws);

    // The translation is deleted: its fallback page is back.
    std::fs::remove_file(site.path(spanish)).unwrap();
    ws.rebuild_content(&touched(spanish));
    assert!(site.read(es_out).contains(noindex));
    assert_up_to_date(&mut ws);

    // The original is deleted: no fallback pages are left.
    std::fs::remove_file(site.path(original)).unwrap();
    ws.rebuild_content(&touched(original));
    assert!(!site.path(es_out).exists() && !site.path(de_out).exists());
    assert_up_to_date(&mut ws);
}

/// The search index follows edits: a word added to a page is in the
/// served index after the reload, and a word removed is gone.
#[test]
fn an_edit_that_adds_a_word_makes_it_findable() {
    let site = TempSite::sample("search");
    let (server, log) = start(&site);
    let addr = server.addr();
    let (mut events, _) = Events::open(addr);
    let indexed = |word: &str| {
        let meta = get(addr, "/_folio/search/en/meta.js").text();
        let shards: usize = meta
            .split("\"shards\":")
            .nth(1)
            .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("shard count in {meta}"));
        (0..shards).any(|n| {
            get(addr, &format!("/_folio/search/en/t{n}.js"))
                .text()
                .contains(&format!("\"{word}\":"))
        })
    };
    assert!(indexed("kickoff"), "the index is served");
    assert!(!indexed("zanzibarwort"));

    site.edit(KICKOFF, |t| {
        t.replace("Phase: **Initiate**", "Phase: **Initiate** Zanzibarwört")
    });
    assert!(
        events.reload_of(KICKOFF_OUT, PATIENCE).is_some(),
        "reload; log: {:?}",
        log.lines()
    );
    assert!(indexed("zanzibarwort"), "the new word, folded, is findable");
    let spanish = get(addr, "/_folio/search/es/meta.js");
    assert_eq!(spanish.status, 200, "other languages keep their index");
}

/// What a rebuild wrote, without the search index's shards.
fn pages_changed(changed: &[String]) -> Vec<String> {
    changed
        .iter()
        .filter(|p| !p.starts_with("_folio/search/"))
        .cloned()
        .collect()
}

/// A page that failed to load from the start and is then fixed is
/// published without a file coming or going: every page after it in its
/// language's search index moves up one number, so every snippet chunk
/// of that language is written again, not only the edited page's.
#[test]
fn a_page_published_by_an_edit_renumbers_its_languages_search_index() {
    let site = TempSite::sample("search-renumber");
    let early = "content/english-playbook/aaa-early.md";
    site.write(
        early,
        "---\ntitle: [unclosed\n---\n# Early\n\nAardvark notes.\n",
    );
    let (mut ws, _) = Workspace::open(&site.root, "http://127.0.0.1:1/").expect("opens");
    let touched = |rel: &str| BTreeSet::from([rel.trim_start_matches("content/").to_string()]);

    site.edit(early, |t| t.replace("[unclosed", "Early"));
    ws.rebuild_content(&touched(early));
    assert!(site.path("public/en/aaa-early/index.html").exists());
    assert_up_to_date(&mut ws);
}
