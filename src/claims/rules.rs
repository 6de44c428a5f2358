//! Claim rules: a TOML file of kinds, shared pattern pieces (`[vars]`) and rules. A rule has an
//! id, a kind, regex patterns with optional named captures (`actor`, `data`, `place`, `neg`),
//! the kind a negated match becomes, and the kinds it overrides where they overlap. All patterns
//! run as one `RegexSet` pass over a sentence; only rules that matched run their captures.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::hash::sha256_hex;
use crate::meaning::LazyClaimModel;

/// The rules shipped in the binary (`verbatim rules show --default` prints them).
pub const DEFAULT_RULES: &str = include_str!("default_rules.toml");

/// A file of rules as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    settings: Settings,
    #[serde(default)]
    vars: BTreeMap<String, String>,
    #[serde(default, rename = "kind")]
    kinds: Vec<Kind>,
    #[serde(default, rename = "rule")]
    rules: Vec<RuleSpec>,
}

/// Settings that apply to every rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// A sentence ending in `?` makes no claim.
    #[serde(default = "yes")]
    pub skip_questions: bool,
    /// A quoted word whose probability is below this is flagged `low_probability`.
    #[serde(default = "low_probability")]
    pub low_probability: f32,
    /// Patterns that make a sentence no claim at all (hypotheticals, reported questions).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Patterns that keep the sentence model from a sentence (the rules still apply): phrasing
    /// the model takes for a claim where it makes none, such as a task left undone ("we fixed
    /// the exports, but not the database access").
    #[serde(default)]
    pub model_exclude: Vec<String>,
    /// Words that are not data: a match whose `data` ends in one of them is dropped ("pull up
    /// the calendar", "access the cafeteria"). Compared in lower case, also without a plural s.
    #[serde(default)]
    pub not_data: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            skip_questions: true,
            low_probability: low_probability(),
            exclude: Vec::new(),
            model_exclude: Vec::new(),
            not_data: Vec::new(),
        }
    }
}

fn yes() -> bool {
    true
}

fn low_probability() -> f32 {
    0.5
}

/// A kind of claim.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kind {
    /// The kind's name (`access`).
    pub name: String,
    /// What the kind means, for people.
    #[serde(default)]
    pub description: String,
    /// The colour of its marks in the timeline chart (`#1f77b4`).
    #[serde(default)]
    pub color: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    id: String,
    kind: String,
    #[serde(default)]
    description: String,
    patterns: Vec<String>,
    #[serde(default)]
    negated_kind: Option<String>,
    #[serde(default)]
    overrides: Vec<String>,
}

/// One compiled rule.
#[derive(Debug)]
pub struct Rule {
    /// Unique id (`access-modal`).
    pub id: String,
    /// The kind of its claims.
    pub kind: String,
    /// What it finds, for people.
    pub description: String,
    /// The kind a match becomes when its `neg` group took part (`denial` for access).
    pub negated_kind: Option<String>,
    /// Kinds whose claims this rule's claims replace where their matches overlap.
    pub overrides: Vec<String>,
    /// The patterns as written, before `{var}` expansion.
    pub sources: Vec<String>,
    patterns: Vec<Regex>,
}

/// A match of one rule in one sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleMatch<'r> {
    /// The rule.
    pub rule: &'r str,
    /// The resulting kind (the negated kind where negated).
    pub kind: &'r str,
    /// Byte range in the sentence.
    pub start: usize,
    /// Byte range end.
    pub end: usize,
    /// Who holds or uses the data.
    pub actor: Option<String>,
    /// Which data.
    pub data: Option<String>,
    /// Where.
    pub place: Option<String>,
}

/// A compiled set of rules.
#[derive(Debug)]
pub struct Rules {
    /// Settings.
    pub settings: Settings,
    /// The kinds, in file order (a rule's kind not listed is added with no description).
    pub kinds: Vec<Kind>,
    /// The rules, in file order.
    pub rules: Vec<Rule>,
    /// SHA-256 of the rules text: claims record which rules made them.
    pub sha256: String,
    /// Where the rules came from (a path, or "built-in").
    pub origin: String,
    /// The model that finds claims by meaning beside the rules, when it is installed.
    pub meaning: Option<Arc<LazyClaimModel>>,
    /// What made the claims: the rules' SHA-256, or with a model, a SHA-256 over the rules,
    /// the examples, the model weights and the classifier's version. Claims record it.
    pub fingerprint: String,
    exclude: Option<RegexSet>,
    model_exclude: Option<RegexSet>,
    set: RegexSet,
    /// For each pattern of `set`, its rule and pattern index.
    owners: Vec<(usize, usize)>,
}

impl Rules {
    /// The built-in rules.
    pub fn builtin() -> Rules {
        Rules::parse(DEFAULT_RULES, "built-in").expect("the built-in rules compile")
    }

    /// Reads and compiles a rules file.
    pub fn load(path: &Path) -> Result<Rules> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Rules::parse(&text, &path.display().to_string())
    }

    /// Compiles rules from TOML text; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Rules> {
        let invalid = |reason: String| Error::Input(format!("rules {origin}: {reason}"));
        let file: RulesFile = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let vars = expand_vars(&file.vars).map_err(invalid)?;
        let mut kinds = file.kinds;
        let mut rules = Vec::new();
        let mut all_patterns = Vec::new();
        let mut owners = Vec::new();
        for spec in file.rules {
            if spec.id.trim().is_empty() {
                return Err(invalid("a rule has an empty id".into()));
            }
            if rules.iter().any(|r: &Rule| r.id == spec.id) {
                return Err(invalid(format!("rule id {:?} is used twice", spec.id)));
            }
            if spec.patterns.is_empty() {
                return Err(invalid(format!("rule {:?} has no patterns", spec.id)));
            }
            for kind in std::iter::once(&spec.kind).chain(&spec.negated_kind) {
                if !kinds.iter().any(|k| &k.name == kind) {
                    kinds.push(Kind {
                        name: kind.clone(),
                        description: String::new(),
                        color: None,
                    });
                }
            }
            let mut patterns = Vec::new();
            for (i, source) in spec.patterns.iter().enumerate() {
                let expanded = substitute(source, &vars)
                    .map_err(|e| invalid(format!("rule {:?} pattern {}: {e}", spec.id, i + 1)))?;
                let regex = build(&expanded)
                    .map_err(|e| invalid(format!("rule {:?} pattern {}: {e}", spec.id, i + 1)))?;
                owners.push((rules.len(), i));
                all_patterns.push(expanded);
                patterns.push(regex);
            }
            rules.push(Rule {
                id: spec.id,
                kind: spec.kind,
                description: spec.description,
                negated_kind: spec.negated_kind,
                overrides: spec.overrides,
                sources: spec.patterns,
                patterns,
            });
        }
        let set = RegexSetBuilder::new(&all_patterns)
            .case_insensitive(true)
            .unicode(false)
            .size_limit(64 << 20)
            .dfa_size_limit(64 << 20)
            .build()
            .map_err(|e| invalid(e.to_string()))?;
        let pattern_set = |patterns: &[String], name: &str| -> Result<Option<RegexSet>> {
            if patterns.is_empty() {
                return Ok(None);
            }
            let expanded = patterns
                .iter()
                .map(|p| substitute(p, &vars))
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| invalid(format!("settings.{name}: {e}")))?;
            RegexSetBuilder::new(&expanded)
                .case_insensitive(true)
                .build()
                .map(Some)
                .map_err(|e| invalid(format!("settings.{name}: {e}")))
        };
        let exclude = pattern_set(&file.settings.exclude, "exclude")?;
        let model_exclude = pattern_set(&file.settings.model_exclude, "model_exclude")?;
        let sha256 = sha256_hex(text.as_bytes());
        Ok(Rules {
            settings: file.settings,
            kinds,
            rules,
            fingerprint: sha256.clone(),
            sha256,
            origin: origin.to_string(),
            meaning: None,
            exclude,
            model_exclude,
            set,
            owners,
        })
    }

    /// These rules with a model that finds claims by meaning beside them. Every kind the
    /// examples teach must be a kind of the rules.
    pub fn with_meaning(mut self, model: Arc<LazyClaimModel>) -> Result<Rules> {
        for kind in model.examples.kinds() {
            if !self.kinds.iter().any(|k| k.name == kind) {
                let known: Vec<&str> = self.kinds.iter().map(|k| k.name.as_str()).collect();
                return Err(Error::Input(format!(
                    "examples {}: kind {kind:?} is not a kind of the rules {} ({})",
                    model.examples.origin,
                    self.origin,
                    known.join(", ")
                )));
            }
        }
        self.fingerprint = sha256_hex(
            format!(
                "{}\n{}\n{}\n{}",
                self.sha256,
                model.examples.sha256,
                crate::meaning::encoder::WEIGHTS_SHA256,
                crate::meaning::classifier::VERSION
            )
            .as_bytes(),
        );
        self.meaning = Some(model);
        Ok(self)
    }

    /// True when the sentence is a question the settings skip (it ends with "?").
    pub fn skipped_question(&self, sentence: &str) -> bool {
        let trimmed = sentence.trim_end_matches(['"', '\'', ')', ' ', '”']);
        self.settings.skip_questions && trimmed.ends_with('?')
    }

    /// True when a `settings.model_exclude` pattern keeps the sentence model from the sentence.
    pub fn model_excluded(&self, sentence: &str) -> bool {
        self.model_exclude
            .as_ref()
            .is_some_and(|set| set.is_match(sentence))
    }

    /// True when no rule may match the sentence (a question, or an exclusion matched).
    pub fn excluded(&self, sentence: &str) -> bool {
        self.skipped_question(sentence)
            || self
                .exclude
                .as_ref()
                .is_some_and(|set| set.is_match(sentence))
    }

    /// Every rule match in a sentence, after overrides, without duplicates (one per kind and
    /// span), in order of position.
    pub fn matches<'r>(&'r self, sentence: &str) -> Vec<RuleMatch<'r>> {
        if self.excluded(sentence) {
            return Vec::new();
        }
        let hits = self.set.matches(sentence);
        if !hits.matched_any() {
            return Vec::new();
        }
        let mut found: Vec<(usize, RuleMatch<'r>)> = Vec::new();
        for index in hits.iter() {
            let (rule_index, pattern) = self.owners[index];
            let rule = &self.rules[rule_index];
            let regex = &rule.patterns[pattern];
            for caps in regex.captures_iter(sentence) {
                let whole = caps.get(0).expect("group 0 always takes part");
                let negated = regex
                    .capture_names()
                    .flatten()
                    .any(|name| name.starts_with("neg") && caps.name(name).is_some());
                let kind = match (&rule.negated_kind, negated) {
                    (Some(negated_kind), true) => negated_kind.as_str(),
                    _ => rule.kind.as_str(),
                };
                // `place`, else `place2`, `place3`...: the first group that took part.
                let capture = |base: &str| {
                    regex
                        .capture_names()
                        .flatten()
                        .filter(|name| {
                            name.strip_prefix(base)
                                .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit()))
                        })
                        .find_map(|name| caps.name(name))
                        .and_then(|m| tidy(m.as_str(), base == "actor"))
                };
                let data = capture("data");
                if data.as_deref().is_some_and(|d| self.is_not_data(d)) {
                    continue;
                }
                found.push((
                    rule_index,
                    RuleMatch {
                        rule: &rule.id,
                        kind,
                        start: whole.start(),
                        end: whole.end(),
                        actor: capture("actor"),
                        data,
                        place: capture("place"),
                    },
                ));
            }
        }
        // Overrides: a match of a rule that overrides kind K removes overlapping K matches, and
        // a negated match removes overlapping matches of the kind it negates (a negated access
        // statement is a denial, never also an access claim).
        let overlaps = |a: &RuleMatch, b: &RuleMatch| a.start < b.end && b.start < a.end;
        let mut keep = vec![true; found.len()];
        for (i, (rule_index, winner)) in found.iter().enumerate() {
            let rule = &self.rules[*rule_index];
            let negated = winner.kind != rule.kind;
            for (j, (_, loser)) in found.iter().enumerate() {
                let beaten = rule.overrides.iter().any(|k| k == loser.kind)
                    || (negated && loser.kind == rule.kind);
                if i != j && beaten && loser.kind != winner.kind && overlaps(winner, loser) {
                    keep[j] = false;
                }
            }
        }
        let mut kept: Vec<RuleMatch<'r>> = found
            .into_iter()
            .zip(keep)
            .filter_map(|((_, m), keep)| keep.then_some(m))
            .collect();
        kept.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
        // One claim per kind for overlapping matches: the first (longest) wins.
        let mut out: Vec<RuleMatch<'r>> = Vec::new();
        for m in kept {
            if !out.iter().any(|o| o.kind == m.kind && overlaps(o, &m)) {
                out.push(m);
            }
        }
        out
    }

    /// True when a data capture's last word is listed in `settings.not_data`.
    fn is_not_data(&self, data: &str) -> bool {
        let Some(head) = data.split_whitespace().last() else {
            return false;
        };
        let head = head
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        let singular = head.strip_suffix('s').unwrap_or(&head);
        self.settings
            .not_data
            .iter()
            .any(|w| w.eq_ignore_ascii_case(&head) || w.eq_ignore_ascii_case(singular))
    }

    /// The colour for a kind in charts: its own, else one from a fixed palette.
    pub fn color(&self, kind: &str) -> String {
        const PALETTE: [&str; 8] = [
            "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f",
        ];
        let position = self.kinds.iter().position(|k| k.name == kind);
        position
            .and_then(|i| self.kinds[i].color.clone())
            .unwrap_or_else(|| PALETTE[position.unwrap_or(7) % PALETTE.len()].to_string())
    }
}

fn build(pattern: &str) -> std::result::Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .unicode(false)
        .size_limit(64 << 20)
        .dfa_size_limit(64 << 20)
        .build()
}

/// Expands `{name}` references inside the vars themselves (in file order of dependency).
fn expand_vars(
    vars: &BTreeMap<String, String>,
) -> std::result::Result<BTreeMap<String, String>, String> {
    let mut done: BTreeMap<String, String> = BTreeMap::new();
    // Each pass expands every var whose references are done; a pass that makes no progress
    // means a cycle or an unknown name.
    while done.len() < vars.len() {
        let before = done.len();
        for (name, value) in vars {
            if done.contains_key(name) {
                continue;
            }
            let refs = references(value);
            if refs.iter().all(|r| done.contains_key(r)) {
                done.insert(name.clone(), substitute(value, &done)?);
            } else if let Some(unknown) = refs.iter().find(|r| !vars.contains_key(*r)) {
                return Err(format!(
                    "var {name:?} uses {{{unknown}}}, which is not defined"
                ));
            }
        }
        if done.len() == before {
            return Err("the vars refer to each other in a cycle".into());
        }
    }
    Ok(done)
}

fn var_reference() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\{([a-z_][a-z0-9_]*)\}").expect("valid regex"))
}

fn references(text: &str) -> Vec<String> {
    var_reference()
        .captures_iter(text)
        .map(|c| c[1].to_string())
        .collect()
}

/// Replaces `{name}` with `(?:value)`; an unknown name is an error.
fn substitute(text: &str, vars: &BTreeMap<String, String>) -> std::result::Result<String, String> {
    let mut unknown = None;
    let out = var_reference().replace_all(text, |c: &regex::Captures| match vars.get(&c[1]) {
        Some(value) => format!("(?:{value})"),
        None => {
            unknown.get_or_insert_with(|| c[1].to_string());
            String::new()
        }
    });
    match unknown {
        Some(name) => Err(format!("{{{name}}} is not defined in [vars]")),
        None => Ok(out.into_owned()),
    }
}

/// A capture as quoted: trimmed of spaces and punctuation, and of a leading clause that the
/// pattern swept in ("we promised that customer data" -> "customer data").
fn tidy(text: &str, actor: bool) -> Option<String> {
    const CUT_AFTER: &[&str] = &[
        "that", "which", "said", "says", "told", "promised", "think", "thinks", "know", "knows",
        "because", "and", "but", "so", "then", "yes", "no", "honestly", "well", "um", "uh",
    ];
    const CUT_AFTER_DATA: &[&str] = &["that", "said", "says", "told", "promised"];
    let cut_after = if actor { CUT_AFTER } else { CUT_AFTER_DATA };
    let words: Vec<&str> = text.split_whitespace().collect();
    let cut = words
        .iter()
        .rposition(|w| {
            let w = w
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            cut_after.contains(&w.as_str())
        })
        .map_or(0, |i| i + 1);
    const TRAILING: &[&str] = &[
        "yesterday",
        "today",
        "tomorrow",
        "again",
        "now",
        "every",
        "each",
        "from",
        "in",
        "at",
        "on",
        "to",
        "for",
        "with",
        "by",
        "through",
        "via",
        "last",
        "this",
        "since",
        "until",
        "anymore",
        "too",
        "either",
        "all",
        "directly",
        "remotely",
        "myself",
        "themselves",
        "himself",
        "herself",
        "whenever",
        "when",
        "whatever",
        "they",
        "we",
        "you",
        "he",
        "she",
    ];
    let mut words = &words[cut.min(words.len())..];
    if !actor {
        while let Some((last, rest)) = words.split_last() {
            let last = last
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            if rest.is_empty() || !TRAILING.contains(&last.as_str()) {
                break;
            }
            words = rest;
        }
    }
    let tidy = words
        .join(" ")
        .trim_matches(|c: char| c.is_whitespace() || ",.;:!?\"'".contains(c))
        .to_string();
    (!tidy.is_empty()).then_some(tidy)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r##"
[vars]
verb = 'see|access'
data = '(?:the |all the )?(?:user |customer )?data'

[[kind]]
name = "access"
color = "#123456"

[[rule]]
id = "can"
kind = "access"
negated_kind = "denial"
patterns = ['(?P<actor>\w+) (?:can|(?P<neg>cannot)) {verb} (?P<data>{data})']

[[rule]]
id = "admin"
kind = "authority"
overrides = ["access"]
patterns = ['admin (?:can|cannot) {verb}']
"##;

    #[test]
    fn the_built_in_model_exclusion_takes_only_a_task_left_undone() {
        let rules = Rules::builtin();
        for undone in [
            "We fixed the exports, but not the database access.",
            "They patched the login bug but not the admin permissions",
            "So we finally cleaned up the customer table, but not yet the old orders.",
        ] {
            assert!(rules.model_excluded(undone), "{undone}");
            assert!(!super::super::asks_model(&rules, undone), "{undone}");
        }
        for claim in [
            "Support can see the order history but not the card numbers.",
            "We migrated the HR data to Dublin, but not the payroll.",
            "We fixed the exports, but not the database access, so anyone can still read it.",
            "Nobody fixed anything and the database is open to everyone.",
        ] {
            assert!(!rules.model_excluded(claim), "{claim}");
        }
        // a bad pattern names its setting
        let bad = format!("[settings]\nmodel_exclude = ['(unclosed']\n{SMALL}");
        let message = Rules::parse(&bad, "test").err().unwrap().to_string();
        assert!(message.contains("settings.model_exclude"), "{message}");
    }

    #[test]
    fn vars_expand_and_negation_changes_the_kind() {
        let rules = Rules::parse(SMALL, "test").unwrap();
        let m = rules.matches("Engineers can see the user data. Contractors cannot access data.");
        let kinds: Vec<_> = m
            .iter()
            .map(|m| (m.kind, m.actor.as_deref(), m.data.as_deref()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("access", Some("Engineers"), Some("the user data")),
                ("denial", Some("Contractors"), Some("data"))
            ]
        );
        assert_eq!(rules.color("access"), "#123456");
        assert_eq!(
            rules.kinds.len(),
            3,
            "denial and authority are added as kinds"
        );
    }

    #[test]
    fn an_overriding_rule_replaces_the_overlapping_claim_of_another_kind() {
        let rules = Rules::parse(SMALL, "test").unwrap();
        let m = rules.matches("The admin can see all the data.");
        assert_eq!(m.iter().map(|m| m.kind).collect::<Vec<_>>(), ["authority"]);
    }

    #[test]
    fn questions_make_no_claims() {
        let rules = Rules::parse(SMALL, "test").unwrap();
        assert!(rules.matches("Engineers can see the user data?").is_empty());
    }

    #[test]
    fn errors_name_the_rule_and_the_problem() {
        let err = |text: &str| Rules::parse(text, "my.toml").unwrap_err().to_string();
        assert!(err("[[rule]]\nid = \"x\"\nkind = \"a\"\npatterns = ['(']")
            .contains("rule \"x\" pattern 1"));
        assert!(
            err("[[rule]]\nid = \"x\"\nkind = \"a\"\npatterns = ['{nope}']")
                .contains("{nope} is not defined")
        );
        assert!(
            err("[[rule]]\nid = \"x\"\nkind = \"a\"\npatterns = []").contains("has no patterns")
        );
        assert!(err("[vars]\na = '{b}'\nb = '{a}'").contains("cycle"));
        assert!(err("[[rule]]\nid = \"x\"\nkind = \"a\"\npatterns = ['a']\n[[rule]]\nid = \"x\"\nkind = \"a\"\npatterns = ['b']").contains("used twice"));
        assert!(err("nonsense = = 1").contains("my.toml"));
        assert!(
            err("[[rule]]\nid = \"x\"\nkind = \"a\"\npatterns = ['a']\nextra = 1")
                .contains("extra")
        );
    }

    #[test]
    fn captures_lose_a_swept_in_clause() {
        assert_eq!(
            tidy("we promised that customer data", false).as_deref(),
            Some("customer data")
        );
        assert_eq!(
            tidy("names and phone numbers", false).as_deref(),
            Some("names and phone numbers")
        );
        assert_eq!(tidy("Yes. You", true).as_deref(), Some("You"));
        assert_eq!(tidy(" , ", true), None);
    }

    #[test]
    fn the_builtin_rules_compile() {
        let rules = Rules::builtin();
        assert!(rules.rules.len() >= 4);
        for kind in ["access", "denial", "storage", "authority"] {
            assert!(rules.kinds.iter().any(|k| k.name == kind), "{kind}");
        }
    }
}
