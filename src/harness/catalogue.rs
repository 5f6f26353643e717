//! The case catalogues (`suites/*.toml`), embedded in the binary, read and checked.
//!
//! A catalogue is data: each case names its clauses, the QR source it needs, what the harness
//! plays, what it expects, its positive twin and the faults it must catch. Loading checks
//! what the data can get wrong on its own: unique ids, known levels and expectations, every
//! negative case with a twin that exists and expects acceptance, clause ids of the profile's
//! form, and at least one fault per case. Whether a play or a fault name means anything is
//! checked by the runner that knows them (see `harness::ontology::dapp_suite`).

use std::collections::BTreeSet;

use serde::Deserialize;

/// The profile's clauses, with the duties each puts on implementations under test.
pub const CLAUSES: &str = include_str!("../../suites/clauses.toml");

/// One clause of the profile (`suites/clauses.toml`).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    pub id: String,
    /// `ontology`, `simplewallet` or `harness`.
    pub protocol: String,
    /// The clause in a line, keeping its level word where it states one.
    pub summary: String,
    /// The strongest requirement the clause makes.
    pub level: ClauseLevel,
    /// The clause states no level word for it: the profile writes it as a plain requirement,
    /// which its preamble makes a MUST.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub level_implied: bool,
    /// The clause's full text, as the profile words it.
    pub text: String,
    /// The seed passages the clause decides: a seed document's number and section
    /// (`001 §Login`). Empty where the clause is the profile's own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seeds: Vec<String>,
    /// The roles (`dapp`, `wallet`) of implementations under test the clause puts a duty on.
    pub duties: Vec<String>,
    /// Why the clause puts no duty on a peer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClauseFile {
    clause: Vec<Clause>,
}

/// How strongly a clause binds (the profile's levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum ClauseLevel {
    MUST,
    SHOULD,
    MAY,
}

impl ClauseLevel {
    pub fn label(self) -> &'static str {
        match self {
            ClauseLevel::MUST => "MUST",
            ClauseLevel::SHOULD => "SHOULD",
            ClauseLevel::MAY => "MAY",
        }
    }
}

/// The clause with this id.
pub fn clause(id: &str) -> Option<Clause> {
    clauses().into_iter().find(|c| c.id == id)
}

/// The profile's clauses, in the profile's order.
///
/// # Panics
///
/// If the embedded `suites/clauses.toml` is broken, which a unit test rules out.
pub fn clauses() -> Vec<Clause> {
    let file: ClauseFile = toml::from_str(CLAUSES)
        .unwrap_or_else(|e| panic!("the embedded clause index is broken: {e}"));
    file.clause
}

/// Every registered suite's catalogue, in listing order.
pub fn all() -> Vec<Catalogue> {
    super::suite::ALL
        .into_iter()
        .map(|kind| kind.embedded_catalogue())
        .collect()
}

/// How strictly a check is meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum Level {
    MUST,
    SHOULD,
    /// A display duty a person checks: what the wallet shows cannot be seen by a machine.
    /// Run only in interactive mode (verdict REVIEW), skipped with any other driver; never
    /// makes a run incomplete, and is outside the kill matrix (it names no fault).
    REVIEW,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::MUST => "MUST",
            Level::SHOULD => "SHOULD",
            Level::REVIEW => "REVIEW",
        }
    }
}

/// What the peer's answer must say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    Accept,
    Reject,
    /// Any well-formed answer; the case judges by other means (the status probe).
    Any,
}

/// What a status probe must show after the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProbeExpect {
    Confirmed,
    NotConfirmed,
}

/// The catalogue's header.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SuiteMeta {
    pub id: String,
    pub protocol: String,
    pub role: String,
    pub title: String,
}

/// One case.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub id: String,
    pub title: String,
    pub clauses: Vec<String>,
    pub action: String,
    /// The target's QR source the case needs (dApp suite).
    #[serde(default)]
    pub source: Option<String>,
    /// How the harness writes the QR text (wallet suite): `json` or `deeplink`.
    #[serde(default)]
    pub form: Option<String>,
    /// The decision the wallet's user takes (wallet suite).
    #[serde(default = "yes")]
    pub approve: bool,
    pub level: Level,
    pub play: String,
    pub expect: Expect,
    #[serde(default)]
    pub expect_error: Option<i64>,
    #[serde(default)]
    pub expect_error_level: Option<Level>,
    #[serde(default)]
    pub twin: Option<String>,
    pub faults: Vec<String>,
    #[serde(default)]
    pub require_event_query: bool,
    #[serde(default)]
    pub probe: Option<ProbeExpect>,
    #[serde(default)]
    pub needs_probe: bool,
    /// Why the wallet should act as the case expects, in words for the person in interactive
    /// mode (`Expected: refuse — <why>`); the title stands in where it is absent.
    #[serde(default)]
    pub why: Option<String>,
    /// What a REVIEW case asks the person to find on the wallet's screen.
    #[serde(default)]
    pub show: Vec<Shown>,
}

/// One thing the wallet must display (a REVIEW case): what it is, and where its value is in
/// the case's request as the runner describes it (a JSON pointer, see
/// `wallet_steps::review`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Shown {
    pub what: String,
    pub at: String,
}

fn yes() -> bool {
    true
}

impl Case {
    /// A negative case: one whose play departs from the honest wallet.
    pub fn is_negative(&self) -> bool {
        self.twin.is_some()
    }
}

/// A loaded and checked catalogue.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    pub suite: SuiteMeta,
    #[serde(rename = "case")]
    pub cases: Vec<Case>,
}

/// Why a catalogue is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    #[error("the catalogue `{name}` is not valid TOML for a catalogue: {reason}")]
    Parse { name: String, reason: String },
    #[error("case `{id}` in `{name}`: {reason}")]
    Case {
        name: String,
        id: String,
        reason: String,
    },
}

fn is_clause_id(text: &str) -> bool {
    // `ONT-L7`, `SW-X1`, `H-3`: a family, a dash, a letter-digit section.
    let Some((family, rest)) = text.split_once('-') else {
        return false;
    };
    let family_ok = !family.is_empty() && family.chars().all(|c| c.is_ascii_uppercase());
    let letters = rest.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = &rest[letters.len()..];
    family_ok && !digits.is_empty() && letters.chars().all(|c| c.is_ascii_uppercase())
}

impl Catalogue {
    /// Parses and checks the catalogue text; `name` names it in errors.
    pub fn parse(name: &str, text: &str) -> Result<Self, CatalogueError> {
        let catalogue: Catalogue = toml::from_str(text).map_err(|e| CatalogueError::Parse {
            name: name.to_string(),
            reason: e.to_string(),
        })?;
        catalogue.check(name)?;
        Ok(catalogue)
    }

    fn check(&self, name: &str) -> Result<(), CatalogueError> {
        let fail = |id: &str, reason: String| CatalogueError::Case {
            name: name.to_string(),
            id: id.to_string(),
            reason,
        };
        let mut ids = BTreeSet::new();
        for case in &self.cases {
            if case.id.is_empty() || case.id.contains(char::is_whitespace) {
                return Err(fail(&case.id, "the id is empty or contains spaces".into()));
            }
            if !ids.insert(case.id.as_str()) {
                return Err(fail(&case.id, "the id is used twice".into()));
            }
            if case.clauses.is_empty() {
                return Err(fail(&case.id, "no clauses".into()));
            }
            if let Some(bad) = case.clauses.iter().find(|c| !is_clause_id(c)) {
                return Err(fail(&case.id, format!("`{bad}` is not a clause id")));
            }
            if case.level == Level::REVIEW {
                // A person judges a REVIEW case; no automated run can kill a fault with it.
                if !case.faults.is_empty() {
                    return Err(fail(
                        &case.id,
                        "a REVIEW case names no faults: a person judges it, so no automated \
                         run can catch one with it"
                            .into(),
                    ));
                }
                if case.show.is_empty() || case.twin.is_some() || case.expect != Expect::Accept {
                    return Err(fail(
                        &case.id,
                        "a REVIEW case lists what the wallet must show, expects accept and \
                         has no twin"
                            .into(),
                    ));
                }
            } else if case.faults.is_empty() {
                return Err(fail(
                    &case.id,
                    "no faults: every case must catch at least one named fault".into(),
                ));
            } else if !case.show.is_empty() {
                return Err(fail(
                    &case.id,
                    "only a REVIEW case lists what the wallet must show".into(),
                ));
            }
            if let Some(bad) = case.show.iter().find(|s| !s.at.starts_with('/')) {
                return Err(fail(
                    &case.id,
                    format!("`{}` is not a JSON pointer", bad.at),
                ));
            }
            if case.expect != Expect::Accept && case.twin.is_none() {
                return Err(fail(
                    &case.id,
                    "a negative case needs a positive twin".into(),
                ));
            }
            if case.expect_error.is_some() != case.expect_error_level.is_some() {
                return Err(fail(
                    &case.id,
                    "expect_error and expect_error_level go together".into(),
                ));
            }
        }
        for case in &self.cases {
            if let Some(twin) = &case.twin {
                let Some(found) = self.cases.iter().find(|c| &c.id == twin) else {
                    return Err(fail(&case.id, format!("the twin `{twin}` does not exist")));
                };
                if found.expect != Expect::Accept || found.twin.is_some() {
                    return Err(fail(
                        &case.id,
                        format!("the twin `{twin}` is not a positive case"),
                    ));
                }
                if found.action != case.action {
                    return Err(fail(
                        &case.id,
                        format!("the twin `{twin}` starts from another action"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The case with this id.
    pub fn case(&self, id: &str) -> Option<&Case> {
        self.cases.iter().find(|c| c.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clause_index_is_well_formed() {
        let clauses = clauses();
        let mut seen = BTreeSet::new();
        for clause in &clauses {
            assert!(is_clause_id(&clause.id), "{}", clause.id);
            assert!(seen.insert(clause.id.clone()), "{} twice", clause.id);
            assert!(
                ["ontology", "simplewallet", "harness"].contains(&clause.protocol.as_str()),
                "{}",
                clause.id
            );
            for duty in &clause.duties {
                assert!(["dapp", "wallet"].contains(&duty.as_str()), "{}", clause.id);
            }
            assert_eq!(
                clause.duties.is_empty(),
                clause.note.is_some(),
                "{}: a clause without duties says why, and only then",
                clause.id
            );
        }
        // Every clause a case names is in the index.
        for catalogue in all() {
            for case in &catalogue.cases {
                for id in &case.clauses {
                    assert!(seen.contains(id), "{}: unknown clause {id}", case.id);
                }
            }
        }
    }

    /// The profile's clause ids and texts: its `- **ID** text` lines.
    fn profile_clauses() -> Vec<(String, String)> {
        include_str!("../../docs/profile.md")
            .lines()
            .filter_map(|line| line.strip_prefix("- **"))
            .filter_map(|rest| rest.split_once("** "))
            .filter(|(id, _)| is_clause_id(id))
            .map(|(id, text)| (id.to_string(), text.trim().to_string()))
            .collect()
    }

    /// Whether `text` states `word` as a whole word.
    fn states(text: &str, word: &str) -> bool {
        text.split(|c: char| !c.is_ascii_alphabetic())
            .any(|w| w == word)
    }

    #[test]
    fn every_clause_has_its_full_text_stating_its_level() {
        for clause in clauses() {
            assert!(!clause.text.trim().is_empty(), "{}: no text", clause.id);
            let word = clause.level.label();
            if clause.level_implied {
                // Only a plain requirement is implied: a MUST the text does not state.
                assert_eq!(clause.level, ClauseLevel::MUST, "{}", clause.id);
                assert!(
                    !states(&clause.text, word),
                    "{}: the text states MUST, so the level is not implied",
                    clause.id
                );
            } else {
                assert!(
                    states(&clause.text, word),
                    "{}: the text does not state its level {word}",
                    clause.id
                );
                assert!(
                    states(&clause.summary, word),
                    "{}: the summary drops the level word {word}",
                    clause.id
                );
            }
            // No level stronger than the text's strongest word.
            if clause.level == ClauseLevel::SHOULD {
                assert!(!states(&clause.text, "MUST"), "{}", clause.id);
            }
            if clause.level == ClauseLevel::MAY {
                assert!(
                    !states(&clause.text, "MUST") && !states(&clause.text, "SHOULD"),
                    "{}",
                    clause.id
                );
            }
            assert!(
                !clause.summary.contains('…') || clause.text.contains('…'),
                "{}: a cut summary",
                clause.id
            );
            for seed in &clause.seeds {
                let (doc, section) = seed.split_once(" §").unwrap_or(("", ""));
                assert!(
                    ["000", "001", "002", "003"].contains(&doc) && !section.is_empty(),
                    "{}: `{seed}` is not `<seed> §<section>`",
                    clause.id
                );
            }
        }
    }

    #[test]
    fn every_profile_clause_is_in_the_index_with_the_profile_text() {
        let profile = profile_clauses();
        assert!(profile.len() >= 50, "only {} clauses read", profile.len());
        let index = clauses();
        for (id, text) in &profile {
            let clause = index
                .iter()
                .find(|c| &c.id == id)
                .unwrap_or_else(|| panic!("{id} of the profile is not in suites/clauses.toml"));
            assert_eq!(
                &clause.text, text,
                "{id}: the text differs from the profile's"
            );
        }
        // The index's other clauses are the suites' own decisions, which say so.
        for clause in &index {
            if !profile.iter().any(|(id, _)| id == &clause.id) {
                assert!(
                    [
                        "ONT-I11", "ONT-D1", "ONT-T9", "ONT-T10", "ONT-T11", "ONT-I12", "ONT-I13",
                        "ONT-S6", "SW-L6", "SW-D1",
                    ]
                    .contains(&clause.id.as_str()),
                    "{} is neither in the profile nor a known decision of the suites",
                    clause.id
                );
            }
        }
    }

    #[test]
    fn the_embedded_catalogues_load() {
        let catalogue = crate::harness::ontology::DAPP.embedded_catalogue();
        assert_eq!(catalogue.suite.role, "dapp");
        assert!(catalogue.cases.len() >= 30);
        let catalogue = crate::harness::ontology::WALLET.embedded_catalogue();
        assert_eq!(catalogue.suite.role, "wallet");
        assert!(catalogue.cases.len() >= 20);
        let catalogue = crate::harness::simplewallet::WALLET.embedded_catalogue();
        assert_eq!(catalogue.suite.role, "wallet");
        assert_eq!(catalogue.suite.protocol, "simplewallet");
        assert!(catalogue.cases.len() >= 12);
    }

    #[test]
    fn clause_ids_have_the_profile_form() {
        for good in ["ONT-L7", "SW-X1", "H-3", "ONT-T10"] {
            assert!(is_clause_id(good), "{good}");
        }
        for bad in ["ont-L7", "ONTL7", "ONT-L", "-L7", "ONT-L7a"] {
            assert!(!is_clause_id(bad), "{bad}");
        }
    }

    #[test]
    fn broken_catalogues_are_refused_naming_the_case() {
        let base = r#"
[suite]
id = "s"
protocol = "ontology"
role = "dapp"
title = "t"

[[case]]
id = "a.honest"
title = "t"
clauses = ["ONT-L2"]
action = "login"
source = "login.address"
level = "MUST"
play = "honest"
expect = "accept"
faults = ["no-id-echo"]
"#;
        assert!(Catalogue::parse("x", base).is_ok());
        let negative = |extra: &str| {
            format!(
                "{base}\n[[case]]\nid = \"a.bad\"\ntitle = \"t\"\nclauses = [\"ONT-L5\"]\naction = \"login\"\nsource = \"login.address\"\nlevel = \"MUST\"\nplay = \"sig-der\"\nexpect = \"reject\"\nfaults = [\"accept-any-signature\"]\n{extra}"
            )
        };
        let err = Catalogue::parse("x", &negative("")).unwrap_err();
        assert!(err.to_string().contains("a.bad"), "{err}");
        assert!(err.to_string().contains("twin"), "{err}");
        assert!(Catalogue::parse("x", &negative("twin = \"a.honest\"")).is_ok());
        let err = Catalogue::parse("x", &negative("twin = \"nope\"")).unwrap_err();
        assert!(err.to_string().contains("`nope` does not exist"), "{err}");
        let err = Catalogue::parse("x", &format!("{base}\n[[case]]\nid = \"a.honest\"\ntitle = \"t\"\nclauses = [\"ONT-L2\"]\naction = \"login\"\nsource = \"s\"\nlevel = \"MUST\"\nplay = \"honest\"\nexpect = \"accept\"\nfaults = [\"f\"]\n")).unwrap_err();
        assert!(err.to_string().contains("used twice"), "{err}");
        let err = Catalogue::parse(
            "x",
            &base.replace("faults = [\"no-id-echo\"]", "faults = []"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("no faults"), "{err}");
        // A REVIEW case lists what to show, names no fault, and only it lists what to show.
        let review = |extra: &str| {
            format!(
                "{base}\n[[case]]\nid = \"a.review\"\ntitle = \"t\"\nclauses = [\"ONT-D1\"]\naction = \"login\"\nlevel = \"REVIEW\"\nplay = \"honest\"\nexpect = \"accept\"\n{extra}"
            )
        };
        let shown = "show = [{ what = \"the dApp name\", at = \"/request/params/dappName\" }]";
        let parsed = Catalogue::parse("x", &review(&format!("faults = []\n{shown}"))).unwrap();
        assert_eq!(parsed.cases[1].level, Level::REVIEW);
        assert_eq!(parsed.cases[1].show[0].at, "/request/params/dappName");
        let err =
            Catalogue::parse("x", &review(&format!("faults = [\"f\"]\n{shown}"))).unwrap_err();
        assert!(err.to_string().contains("names no faults"), "{err}");
        let err = Catalogue::parse("x", &review("faults = []")).unwrap_err();
        assert!(
            err.to_string().contains("lists what the wallet must show"),
            "{err}"
        );
        let err = Catalogue::parse(
            "x",
            &review("faults = []\nshow = [{ what = \"x\", at = \"request\" }]"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("not a JSON pointer"), "{err}");
        let err = Catalogue::parse("x", &format!("{base}{shown}\n")).unwrap_err();
        assert!(err.to_string().contains("only a REVIEW case"), "{err}");
        let err = Catalogue::parse("x", &base.replace("level = \"MUST\"", "level = \"MAYBE\""))
            .unwrap_err();
        assert!(matches!(err, CatalogueError::Parse { .. }), "{err}");
    }
}
