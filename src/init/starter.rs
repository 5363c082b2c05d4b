//! The starter playbook `folio init` writes into an empty or new folder:
//! two languages, a process page with a task table, a toc. It builds and
//! checks with no diagnostics (a test holds it to that).

/// Files of the starter, relative to the folder, `folio.yml` first.
pub(crate) const FILES: &[(&str, &str)] = &[
    ("folio.yml", FOLIO_YML),
    ("content/toc.yml", TOC),
    ("content/en/index.md", EN_INDEX),
    ("content/en/onboarding.md", EN_ONBOARDING),
    ("content/es/index.md", ES_INDEX),
    ("content/es/onboarding.md", ES_ONBOARDING),
    (".gitignore", GITIGNORE),
];

const FOLIO_YML: &str = r#"# Folio configuration, written by `folio init` as a starting point.
# Every key is optional; the README describes them all.

title: My Playbook
# base_url: https://example.com/playbook/   # where the site is published (canonical links, sitemap)
content_dir: content
output_dir: public       # written by `folio build`; listed in .gitignore

default_language: en
languages:               # the language switcher's order
  - { code: en, name: English, dir: en }
  - { code: es, name: Español, dir: es }

front_matter:
  required: [title, description, ms.date]
  date_key: ms.date      # a translation older than its English page is reported as stale

# Task tables: recognized by their header labels, per language.
tasks:
  en: { id: [ID], name: [Task], requirement: [Required], role: [Owner], mandatory: [Yes], optional: [No] }
  es: { id: [ID], name: [Tarea], requirement: [Obligatoria], role: [Responsable], mandatory: [Sí], optional: [No] }

# checks:
#   severity: { translation-missing: warning }   # error, warning or off per code
"#;

const TOC: &str =
    "# The navigation of every language: each entry leads to the reader's translation.
- name: Home
  href: en/index.md
- name: Onboarding
  href: en/onboarding.md
";

const EN_INDEX: &str = "---
title: My Playbook
description: How our team runs a customer engagement, step by step.
ms.date: 2025-01-15
---

# My Playbook

This playbook describes how the team works with a new customer, from the
first call to a running service. Each phase has a page with the tasks it
takes; start with [onboarding](onboarding.md).

> [!TIP]
> Run `folio serve` and edit a page: the browser shows the change at once.
";

const EN_ONBOARDING: &str = "---
title: Onboarding
description: The tasks that take a customer from a signed agreement to a first working setup.
ms.date: 2025-01-15
---

# Onboarding

Onboarding starts when the agreement is signed and ends when the customer
uses the service for real work.

## Tasks

| ID | Task | Required | Owner |
|---|---|---|---|
| 101 | Hold the kickoff call and agree on goals | Yes | Engagement lead |
| 102 | Review the customer's environment | Yes | Engineer |
| 103 | Plan a pilot with a small group of users | No | Engineer |

## Next steps

When every required task is done, go back to the [playbook's home](index.md)
and pick the next phase.
";

const ES_INDEX: &str = "---
title: Mi manual
description: Cómo trabaja el equipo con un cliente, paso a paso.
ms.date: 2025-01-15
---

# Mi manual

Este manual describe cómo trabaja el equipo con un cliente nuevo, desde la
primera llamada hasta un servicio en marcha. Cada fase tiene una página con
sus tareas; empiece por la [incorporación](onboarding.md).

> [!TIP]
> Ejecute `folio serve` y edite una página: el navegador muestra el cambio al instante.
";

const ES_ONBOARDING: &str = "---
title: Incorporación
description: Las tareas que llevan a un cliente de un acuerdo firmado a una primera configuración que funciona.
ms.date: 2025-01-15
---

# Incorporación

La incorporación empieza cuando se firma el acuerdo y termina cuando el
cliente usa el servicio para trabajo real.

## Tareas

| ID | Tarea | Obligatoria | Responsable |
|---|---|---|---|
| 101 | Celebrar la llamada de inicio y acordar los objetivos | Sí | Responsable del proyecto |
| 102 | Revisar el entorno del cliente | Sí | Ingeniero |
| 103 | Planear un piloto con un grupo pequeño de usuarios | No | Ingeniero |

## Próximos pasos

Cuando termine todas las tareas obligatorias, vuelva a la
[página principal](index.md) y elija la siguiente fase.
";

const GITIGNORE: &str = "# Written by `folio build` and `folio check --external`.
/public/
.folio-cache/
";
