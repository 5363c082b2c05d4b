use super::*;
use crate::check::tests::load_site;
use crate::config::Config;
use crate::site::Purpose;
use std::path::Path;

/// English and German in folders, Portuguese marking mandatory tasks `b`;
/// German and Portuguese with their own playbook labels.
const SITE: &str = r#"
languages:
  - { code: en, name: English, dir: en }
  - { code: de, name: Deutsch, dir: de, suffixes: [de] }
  - { code: pt, name: Português, dir: pt, suffixes: [pt] }
tasks:
  en: { id: [Task ID], name: [Task Name, Task Description], requirement: ["(M)andatory / (O)ptional"], role: [Role], services: [Services], mandatory: [M], optional: [O] }
  de: { id: [Aufgaben-ID], name: [Name der Aufgabe], requirement: ["(E) Erforderlich (O) Optional"], role: [Rolle], services: [Dienste], mandatory: [E], optional: [O] }
  pt: { id: [ID da tarefa], name: [Nome da tarefa], requirement: ["(b) Obrigatório / (O) Opcional"], mandatory: [b], optional: [O] }
playbook:
  de: { phase: [Phase], role: [Primäre Rolle], applies_to: [Gilt für], refresh_summary: [Änderungen] }
  pt: { phase: [Fase], role: [Função principal], applies_to: [Aplica-se a] }
"#;

const TOC: &str = "- name: Start\n  href: start.md\n  items:\n    - name: Plan\n      href: plan.md\n    - name: Orphan group page\n      href: grouped.md\n- name: Later\n  href: later.md\n";

const PLAN: &str = "---\ntitle: Plan\n---\n# Plan the pilot\n\nPhase: **Prepare**\n\n## Approach\n\n### Choose the users\n\nPrimary Role: **Pilot Lead**  \nApplies To: **Mail / Files**\n\n#### Tasks\n\n| Task ID | Task Description | (M)andatory / (O)ptional |\n|---|---|---|\n| 10 | List the pilot users | M |\n| [11](https://example.com/11) | Send the invitation | O |\n\n### Support them\n\nPrimary Role: **Help Desk**\n\n| Task ID | Task Name | (M)andatory / (O)ptional | Role | Services |\n|---|---|---|---|---|\n| 12 | Staff the hotline | M | Service Owner | Teams |\n| 13 | Log the calls | O |  |  |\n\n## Refresh Summary\n\n| Date | Who | What |\n|---|---|---|\n| 1/22/2024 | A | x |\n| 3/05/2024 | B | y |\n";

fn site() -> (crate::check::tests::TempDir, Site) {
    load_site(
        SITE,
        &[
            ("en/toc.yml", TOC),
            ("en/start.md", "# Start\n\nPhase: **Prepare**\n"),
            ("en/plan.md", PLAN),
            (
                "en/grouped.md",
                "# Grouped\n\n[!INCLUDE [t](includes/t.md)]\n",
            ),
            (
                "en/includes/t.md",
                "| Task ID | Task Name | (M)andatory / (O)ptional |\n|---|---|---|\n| 20 | From an include | M |\n",
            ),
            (
                "en/later.md",
                "---\nphase: Operate\nms.date: 2024-06-01\n---\n# Later\n\nPhase: **Ignored**\n\n## Refresh Summary\n\n| Date | Who | What |\n|---|---|---|\n| 1/1/2025 | A | x |\n",
            ),
            (
                "de/plan-de.md",
                "# Pilot planen\n\nPhase: **Vorbereiten**\n\n### Benutzer wählen\n\nPrimäre Rolle: **Pilotleitung**\n\n| Aufgaben-ID | Name der Aufgabe | (E) Erforderlich (O) Optional |\n|---|---|---|\n| 10 | Pilotbenutzer auflisten | E |\n\n## Änderungen\n\n| Datum | Wer | Was |\n|---|---|---|\n| 2/01/2024 | A | x |\n",
            ),
            (
                "pt/plan-pt.md",
                "# Planejar\n\nFase: **Preparar**\n\nFunção principal: **Líder do piloto**\nAplica-se a: **Todos**\n\n| ID da tarefa | Nome da tarefa | (b) Obrigatório / (O) Opcional |\n|---|---|---|\n| 10 | Listar os usuários | b |\n| 11 | Enviar o convite | O |\n",
            ),
        ],
    )
}

fn page(site: &Site, path: &str) -> PageId {
    site.page_by_path(path)
        .unwrap_or_else(|| panic!("no page {path}"))
}

type Row<'a> = (
    &'a str,
    Option<&'a str>,
    Option<&'static str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
);

fn tasks(site: &Site, lang: usize) -> Vec<Row<'_>> {
    let (lang, _) = site.config.languages().nth(lang).expect("a language");
    site.playbook()
        .lang(lang)
        .tasks
        .iter()
        .filter_map(|&t| site.task(t))
        .map(|t| {
            (
                t.id,
                t.name,
                t.requirement.map(Requirement::class),
                t.requirement_label,
                t.role,
                t.services,
                t.phase,
            )
        })
        .collect()
}

#[test]
fn phases_come_from_front_matter_then_the_phase_line_then_the_toc() {
    let (_dir, site) = site();
    let phase = |path: &str| site.phase(page(&site, path));
    assert_eq!(phase("en/start.md"), Some(("Prepare", PhaseSource::Body)));
    assert_eq!(phase("en/plan.md"), Some(("Prepare", PhaseSource::Body)));
    assert_eq!(phase("en/grouped.md"), Some(("Start", PhaseSource::Toc)));
    assert_eq!(
        phase("en/later.md"),
        Some(("Operate", PhaseSource::FrontMatter))
    );
    assert_eq!(
        phase("de/plan-de.md"),
        Some(("Vorbereiten", PhaseSource::Body))
    );
    assert_eq!(
        phase("pt/plan-pt.md"),
        Some(("Preparar", PhaseSource::Body))
    );
    let en = &site.playbook().lang(site.config.default_language);
    let names: Vec<(&str, usize)> = en
        .phases
        .iter()
        .map(|p| (p.name.as_str(), p.pages.len()))
        .collect();
    assert_eq!(names, [("Prepare", 2), ("Start", 1), ("Operate", 1)]);
    let counts = site.task_counts(&en.phases[0].pages);
    assert_eq!((counts.mandatory, counts.optional), (2, 2));
    assert!(site.playbook().has_tasks() && site.playbook().has_phases());
}

#[test]
fn tasks_fall_back_to_their_sections_role_and_services() {
    let (_dir, site) = site();
    assert_eq!(
        tasks(&site, 0),
        [
            (
                "10",
                Some("List the pilot users"),
                Some("mandatory"),
                Some("M"),
                Some("Pilot Lead"),
                Some("Mail / Files"),
                Some("Prepare")
            ),
            (
                "11",
                Some("Send the invitation"),
                Some("optional"),
                Some("O"),
                Some("Pilot Lead"),
                Some("Mail / Files"),
                Some("Prepare")
            ),
            (
                "12",
                Some("Staff the hotline"),
                Some("mandatory"),
                Some("M"),
                Some("Service Owner"),
                Some("Teams"),
                Some("Prepare")
            ),
            // An empty role cell: the section's primary role; no Applies
            // To in this section or above it.
            (
                "13",
                Some("Log the calls"),
                Some("optional"),
                Some("O"),
                Some("Help Desk"),
                None,
                Some("Prepare")
            ),
            (
                "20",
                Some("From an include"),
                Some("mandatory"),
                Some("M"),
                None,
                None,
                Some("Start")
            ),
        ]
    );
}

#[test]
fn requirements_are_read_in_each_languages_words() {
    let (_dir, site) = site();
    assert_eq!(
        tasks(&site, 1),
        [(
            "10",
            Some("Pilotbenutzer auflisten"),
            Some("mandatory"),
            Some("E"),
            Some("Pilotleitung"),
            None,
            Some("Vorbereiten")
        )]
    );
    let pt = tasks(&site, 2);
    assert_eq!(
        pt.iter()
            .map(|t| (t.0, t.2, t.3, t.4, t.5))
            .collect::<Vec<_>>(),
        [
            (
                "10",
                Some("mandatory"),
                Some("b"),
                Some("Líder do piloto"),
                Some("Todos")
            ),
            (
                "11",
                Some("optional"),
                Some("O"),
                Some("Líder do piloto"),
                Some("Todos")
            ),
        ]
    );
}

#[test]
fn tasks_know_their_row_file_and_line() {
    let (_dir, site) = site();
    let (en, _) = site.config.languages().next().expect("en");
    let all: Vec<Task<'_>> = site
        .playbook()
        .lang(en)
        .tasks
        .iter()
        .filter_map(|&t| site.task(t))
        .collect();
    let place: Vec<(&str, Option<&str>, &str, u32)> = all
        .iter()
        .map(|t| (t.id, t.anchor.as_deref(), t.file, t.line))
        .collect();
    assert_eq!(
        place,
        [
            ("10", Some("task-10"), "en/plan.md", 19),
            ("11", Some("task-11"), "en/plan.md", 20),
            ("12", Some("task-12"), "en/plan.md", 28),
            ("13", Some("task-13"), "en/plan.md", 29),
            ("20", Some("task-20"), "en/includes/t.md", 3),
        ]
    );
}

#[test]
fn last_updated_is_the_date_key_else_the_newest_refresh() {
    let (_dir, site) = site();
    let updated = |path: &str| site.updated(page(&site, path)).map(|d| d.iso());
    assert_eq!(updated("en/plan.md").as_deref(), Some("2024-03-05"));
    assert_eq!(updated("en/later.md").as_deref(), Some("2024-06-01"));
    assert_eq!(updated("de/plan-de.md").as_deref(), Some("2024-02-01"));
    assert_eq!(updated("en/start.md"), None);
}

#[test]
fn a_site_without_tasks_or_phases_gets_no_playbook_files() {
    let (_dir, site) = load_site("", &[("en/a.md", "# A\n\nRole: **none**\n")]);
    assert!(!site.playbook().has_tasks());
    assert!(!site.playbook().has_phases());
    assert!(claims(&site).is_empty());
}

#[test]
fn a_page_digest_follows_what_the_index_shows() {
    let fingerprint = |plan: &str| {
        let (_dir, site) = load_site(SITE, &[("en/plan.md", plan)]);
        page_digest(&site, page(&site, "en/plan.md"))
    };
    assert_eq!(fingerprint(PLAN), fingerprint(PLAN));
    assert_ne!(
        fingerprint(PLAN),
        fingerprint(&PLAN.replace("Staff the hotline", "Staff it"))
    );
    assert_ne!(
        fingerprint(PLAN),
        fingerprint(&PLAN.replace("Help Desk", "Service Desk"))
    );
    // Prose below the tasks moves no row: the files stay as they are.
    assert_eq!(
        fingerprint(PLAN),
        fingerprint(&format!("{PLAN}\nMore prose.\n"))
    );
}

/// The real partner site (`../shared/corpus/partner-site`) in its six
/// languages, read through `tests/corpus/partner-site/folio.yml`. Skipped
/// with a visible note when the corpus is missing, except on CI.
fn corpus() -> Option<Site> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let present = repo.join("../shared/corpus/partner-site").is_dir();
    if !present {
        assert!(
            std::env::var_os("CI").is_none(),
            "the playbook corpus tests need ../shared/corpus/partner-site"
        );
        eprintln!("SKIP site::playbook corpus tests: needs ../shared/corpus/partner-site");
        return None;
    }
    let config = Config::load(&repo.join("tests/corpus/partner-site")).expect("valid folio.yml");
    Some(Site::load(config, Purpose::Check))
}

/// A task of the corpus by language, file name and ID.
fn corpus_task<'s>(site: &'s Site, lang: &str, file: &str, id: &str) -> Task<'s> {
    let (lang, _) = site
        .config
        .languages()
        .find(|(_, l)| l.code == lang)
        .expect("a language");
    site.playbook()
        .lang(lang)
        .tasks
        .iter()
        .filter_map(|&t| site.task(t))
        .find(|t| t.file.ends_with(file) && t.id == id)
        .unwrap_or_else(|| panic!("no task {id} in {file}"))
}

#[test]
fn corpus_phases_in_six_languages() {
    let Some(site) = corpus() else { return };
    let dir = "fasttrack-playbook";
    for (path, phase) in [
        (
            "english-playbook/initiate-conduct-customer-kick-off-partner.md",
            "Initiate",
        ),
        (
            "spanish-playbook/initiate-conduct-customer-kick-off-partner-es.md",
            "Iniciar",
        ),
        (
            "german-playbook/initiate-conduct-customer-kick-off-partner-de.md",
            "Einleitung",
        ),
        (
            "japanese-playbook/initiate-conduct-customer-kick-off-partner-jp.md",
            "開始",
        ),
        (
            "portuguese-playbook/initiate-conduct-customer-kick-off-partner-pr.md",
            "Iniciar",
        ),
        (
            "simplified-chineses-playbook/initiate-conduct-customer-kick-off-partner-sc.md",
            "启动",
        ),
    ] {
        let id = page(&site, &format!("{dir}/{path}"));
        assert_eq!(site.phase(id), Some((phase, PhaseSource::Body)), "{path}");
    }
    // A page without a phase line takes its toc group.
    let blocked = page(
        &site,
        &format!("{dir}/english-playbook/l1l2l3-blocked-legal-regulatory.md"),
    );
    assert!(
        matches!(site.phase(blocked), Some((_, PhaseSource::Toc))),
        "{:?}",
        site.phase(blocked)
    );
    // Phases in toc order: the lifecycle's.
    let (en, _) = site.config.languages().next().expect("en");
    let names: Vec<&str> = site
        .playbook()
        .lang(en)
        .phases
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    let order: Vec<usize> = ["Initiate", "Assess", "Remediate", "Enable", "Migrate"]
        .iter()
        .map(|n| names.iter().position(|m| m == n).unwrap_or(usize::MAX))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{names:?}");
}

#[test]
fn corpus_tasks_roles_and_requirements_in_six_languages() {
    let Some(site) = corpus() else { return };
    let kickoff = "initiate-conduct-customer-kick-off-partner";
    for (lang, suffix, mandatory) in [
        ("en", "", "M"),
        ("es", "-es", "M"),
        ("de", "-de", "E"),
        ("ja", "-jp", "M"),
        ("pt", "-pr", "b"),
        ("zh-Hans", "-sc", "M"),
    ] {
        let task = corpus_task(&site, lang, &format!("{kickoff}{suffix}.md"), "3616");
        assert_eq!(task.requirement, Some(Requirement::Mandatory), "{lang}");
        assert_eq!(task.requirement_label, Some(mandatory), "{lang}");
        assert_eq!(task.anchor.as_deref(), Some("task-3616"), "{lang}");
        assert!(
            task.role.is_some() && task.services.is_some(),
            "{lang}: {task:?}"
        );
        assert!(task.phase.is_some(), "{lang}");
        let optional = corpus_task(&site, lang, &format!("{kickoff}{suffix}.md"), "3979");
        assert_eq!(optional.requirement, Some(Requirement::Optional), "{lang}");
    }
    let en = corpus_task(&site, "en", &format!("{kickoff}.md"), "3616");
    assert_eq!(en.role, Some("FastTrack Manager"));
    assert_eq!(en.services, Some("All Services"));
    assert_eq!(en.phase, Some("Initiate"));
    // Four columns (`Task Description`, no services): the role is the
    // table's, the services what the section applies to.
    let four = corpus_task(&site, "en", "approach-opp-365-standalone.md", "3738");
    assert_eq!(four.name, Some("Microsoft 365 Apps - Deliver Pitch Deck"));
    assert_eq!(four.requirement, Some(Requirement::Mandatory));
    assert_eq!(four.role, Some("FM"));
    // An ID written as a link keeps its number and gets its row.
    let linked = corpus_task(
        &site,
        "ja",
        "assess-conduct-technical-assessment-partner-jp.md",
        "4099",
    );
    assert_eq!(linked.anchor.as_deref(), Some("task-4099"));
    let linked = corpus_task(
        &site,
        "de",
        "assess-conduct-technical-assessment-partner-de.md",
        "4099",
    );
    assert_eq!(linked.requirement_label, Some("E"));
}

#[test]
fn corpus_refresh_summaries_in_six_languages() {
    let Some(site) = corpus() else { return };
    for (path, newest) in [
        (
            "english-playbook/initiate-conduct-customer-kick-off-partner.md",
            "2020-03-25",
        ),
        (
            "german-playbook/initiate-conduct-customer-kick-off-partner-de.md",
            "2020-03-25",
        ),
        (
            "japanese-playbook/initiate-conduct-customer-kick-off-partner-jp.md",
            "2020-04-30",
        ),
        (
            "portuguese-playbook/initiate-conduct-customer-kick-off-partner-pr.md",
            "2020-05-04",
        ),
        (
            "simplified-chineses-playbook/initiate-conduct-customer-kick-off-partner-sc.md",
            "2020-04-30",
        ),
        (
            "spanish-playbook/initiate-conduct-customer-kick-off-partner-es.md",
            "2020-03-25",
        ),
    ] {
        let id = page(&site, &format!("fasttrack-playbook/{path}"));
        let history = site
            .page(id)
            .doc
            .history
            .unwrap_or_else(|| panic!("{path}"));
        assert_eq!(
            history.newest.map(|d| d.iso()).as_deref(),
            Some(newest),
            "{path}"
        );
        assert!(history.entries >= 1, "{path}");
    }
}

/// Prints each language's task counts (for the record: `cargo test
/// corpus_task_counts -- --nocapture`) and checks they are whole.
#[test]
fn corpus_task_counts() {
    let Some(site) = corpus() else { return };
    for (lang, language) in site.config.languages() {
        let tasks: Vec<Task<'_>> = site
            .playbook()
            .lang(lang)
            .tasks
            .iter()
            .filter_map(|&t| site.task(t))
            .collect();
        let count = |r: Option<Requirement>| tasks.iter().filter(|t| t.requirement == r).count();
        eprintln!(
            "{}: {} tasks ({} mandatory, {} optional, {} other), {} phases",
            language.code,
            tasks.len(),
            count(Some(Requirement::Mandatory)),
            count(Some(Requirement::Optional)),
            count(None),
            site.playbook().lang(lang).phases.len()
        );
        assert!(tasks.len() > 200, "{}", language.code);
        assert!(tasks.iter().all(|t| t.role.is_some()), "{}", language.code);
    }
}

/// `Primary Role`, `Motions` and `Applies To` lines of the corpus, English
/// and German (`Konzepte`), become facts of their sections; a five-column
/// table under such a section keeps its own role and services cells.
#[test]
fn corpus_section_facts_and_five_column_tables() {
    let Some(site) = corpus() else { return };
    let facts = |path: &str| {
        let id = page(&site, &format!("fasttrack-playbook/{path}"));
        site.page(id)
            .doc
            .facts
            .iter()
            .map(|f| (f.kind, f.value.to_string()))
            .collect::<Vec<_>>()
    };
    let en = facts("english-playbook/success-support-success-execution-partner.md");
    for fact in [
        (FactKind::Role, "FastTrack Manager"),
        (FactKind::Motions, "Customer Health / RFA / Targeting"),
        (FactKind::AppliesTo, "Outlook Mobile / Teams / Yammer"),
    ] {
        assert!(
            en.contains(&(fact.0, fact.1.to_string())),
            "{fact:?} in {en:?}"
        );
    }
    let de = facts(
        "german-playbook/assess-conduct-adoption-and-change-management-conversation-partner-de.md",
    );
    assert!(
        de.iter().any(|(k, _)| *k == FactKind::Motions),
        "Konzepte: {de:?}"
    );
    let five = corpus_task(
        &site,
        "en",
        "initiate-conduct-customer-kick-off-partner.md",
        "3979",
    );
    assert!(five.name.is_some() && five.role.is_some() && five.services.is_some());
}
