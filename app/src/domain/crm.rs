//! The CRM's rules: masking a client's contact details for staff without the right to see them,
//! the spelling of custom tags, notes, leads and tasks.
use super::names::snake_enum;

snake_enum! {
    /// Where a lead stands. `Converted` is set by the system when the lead registers.
    LeadStatus {
        New => "new",
        Contacted => "contacted",
        Qualified => "qualified",
        Converted => "converted",
        Lost => "lost",
    }
}

snake_enum! {
    TaskStatus { Open => "open", Done => "done" }
}

snake_enum! {
    /// How a new client gets their owner when no lead names one.
    AssignKind {
        /// Nobody: they wait in the unowned pool.
        None => "none",
        /// The next member of a team (the team lead and everyone under them), in turn.
        RoundRobin => "round_robin",
        /// The staff member the firm names for the client's country.
        Country => "country",
        /// The owner of the IB who referred them.
        IbManager => "ib_manager",
    }
}

/// The firm's rule for new clients' owners (Settings › Clients).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct AssignmentRule {
    pub kind: AssignKind,
    /// The team the round robin goes through (its lead; 0: every active staff member).
    pub team_lead: i64,
    /// `country=staff id` a line, for the country rule.
    pub countries: String,
}

impl Default for AssignmentRule {
    fn default() -> Self {
        AssignmentRule {
            kind: AssignKind::None,
            team_lead: 0,
            countries: String::new(),
        }
    }
}

impl AssignmentRule {
    /// The country lines as (country, staff id), or the first line that is not one.
    pub fn country_map(&self) -> Result<Vec<(String, i64)>, usize> {
        let mut out = Vec::new();
        for (i, line) in self.countries.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let parsed = line.split_once('=').and_then(|(c, s)| {
                let c = c.trim().to_ascii_uppercase();
                let ok = c.len() == 2 && c.chars().all(|x| x.is_ascii_alphabetic());
                Some((ok.then_some(c)?, s.trim().parse::<i64>().ok()?))
            });
            match parsed {
                Some(p) => out.push(p),
                None => return Err(i + 1),
            }
        }
        Ok(out)
    }
}

/// The member after `last` in `members` (sorted), round and round.
pub fn next_in_turn(members: &[i64], last: Option<i64>) -> Option<i64> {
    let after = last.and_then(|l| members.iter().copied().find(|&m| m > l));
    after.or_else(|| members.first().copied())
}

/// The details a client may change on their profile.
pub const PROFILE_FIELDS: [&str; 4] = ["first_name", "last_name", "country", "phone"];

/// What the firm lets clients change themselves: each field is locked, changed at once, or
/// changed after staff approve it (a profile-change request).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ProfilePolicy {
    /// The fields clients may change.
    pub editable: Vec<String>,
    /// Of those, the ones whose change staff approve first.
    pub reviewed: Vec<String>,
}

impl Default for ProfilePolicy {
    fn default() -> Self {
        ProfilePolicy {
            editable: PROFILE_FIELDS.iter().map(|f| f.to_string()).collect(),
            reviewed: vec!["first_name".into(), "last_name".into(), "country".into()],
        }
    }
}

impl ProfilePolicy {
    /// Only known fields; a reviewed field is editable.
    pub fn check(&self) -> Result<(), &'static str> {
        let known = |f: &String| PROFILE_FIELDS.contains(&f.as_str());
        if !self.editable.iter().all(known) || !self.reviewed.iter().all(known) {
            return Err("err.field_unknown");
        }
        if self.reviewed.iter().any(|f| !self.editable.contains(f)) {
            return Err("err.reviewed_not_editable");
        }
        Ok(())
    }

    pub fn may_edit(&self, field: &str) -> bool {
        self.editable.iter().any(|f| f == field)
    }

    pub fn is_reviewed(&self, field: &str) -> bool {
        self.reviewed.iter().any(|f| f == field)
    }
}

/// The longest task title and lead source.
pub const TITLE_MAX: usize = 120;
/// The longest a reminder may come before its task (a week), in minutes.
pub const REMIND_MAX_MINUTES: i32 = 7 * 24 * 60;

/// An email with its local part hidden but its first letter and the domain kept
/// (`jane.doe@example.com` → `j•••@example.com`), so staff can still tell clients apart.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".into(),
    }
}

/// A phone number with all but its last two digits hidden.
pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.len() <= 2 {
        return "•••".into();
    }
    let tail: String = digits.iter().skip(digits.len() - 2).collect();
    format!("•••{tail}")
}

/// The longest tag and note staff may write.
pub const TAG_MAX: usize = 32;
pub const NOTE_MAX: usize = 4000;

/// A custom tag as stored: trimmed, lower case, letters, digits, spaces and dashes, at most
/// `TAG_MAX` characters. System tags (computed from what the client is and does) use the same
/// alphabet, so a custom tag may not take a system tag's name.
pub fn tag(raw: &str) -> Result<String, &'static str> {
    let t = raw.trim().to_lowercase();
    if t.is_empty() {
        return Err("err.tag_required");
    }
    if t.chars().count() > TAG_MAX
        || !t
            .chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || c == '-' || c == '_')
    {
        return Err("err.tag_invalid");
    }
    if SYSTEM_TAGS.contains(&t.as_str()) {
        return Err("err.tag_reserved");
    }
    Ok(t)
}

/// The tags the system gives a client from their data (never stored).
pub const SYSTEM_TAGS: &[&str] = &[
    "ib",
    "kyc-approved",
    "kyc-pending",
    "in-challenge",
    "suspended",
    "unowned",
];

/// A note's text: trimmed, not empty, at most `NOTE_MAX` characters.
pub fn note(raw: &str) -> Result<String, &'static str> {
    let t = raw.trim();
    if t.is_empty() {
        return Err("err.note_required");
    }
    if t.chars().count() > NOTE_MAX {
        return Err("err.note_too_long");
    }
    Ok(t.to_string())
}

/// Whether making `supervisor` the supervisor of `staff` closes a loop, given each staff
/// member's current supervisor.
pub fn closes_loop(
    staff: i64,
    supervisor: i64,
    supervisor_of: impl Fn(i64) -> Option<i64>,
) -> bool {
    let mut at = Some(supervisor);
    let mut steps = 0;
    while let Some(s) = at {
        if s == staff {
            return true;
        }
        steps += 1;
        if steps > 10_000 {
            return true;
        }
        at = supervisor_of(s);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_enough_to_tell_clients_apart() {
        assert_eq!(mask_email("jane.doe@example.com"), "j•••@example.com");
        assert_eq!(mask_email("nonsense"), "•••");
        assert_eq!(mask_phone("+1 555 123 4567"), "•••67");
        assert_eq!(mask_phone("1"), "•••");
    }

    #[test]
    fn tags_are_normalised_and_system_names_reserved() {
        assert_eq!(tag("  VIP Client "), Ok("vip client".into()));
        assert_eq!(tag(""), Err("err.tag_required"));
        assert_eq!(tag("a<b"), Err("err.tag_invalid"));
        assert_eq!(tag(&"x".repeat(33)), Err("err.tag_invalid"));
        assert_eq!(tag("Suspended"), Err("err.tag_reserved"));
    }

    #[test]
    fn the_round_robin_goes_round_and_the_country_map_is_read() {
        assert_eq!(next_in_turn(&[3, 5, 9], None), Some(3));
        assert_eq!(next_in_turn(&[3, 5, 9], Some(5)), Some(9));
        assert_eq!(next_in_turn(&[3, 5, 9], Some(9)), Some(3));
        assert_eq!(next_in_turn(&[3, 5, 9], Some(4)), Some(5));
        assert_eq!(next_in_turn(&[], Some(4)), None);
        let r = AssignmentRule {
            countries: "pt=3\n\nBR = 5".into(),
            ..Default::default()
        };
        assert_eq!(
            r.country_map(),
            Ok(vec![("PT".into(), 3), ("BR".into(), 5)])
        );
        let bad = AssignmentRule {
            countries: "PT=3\nBrazil=5".into(),
            ..Default::default()
        };
        assert_eq!(bad.country_map(), Err(2));
    }

    #[test]
    fn statuses_are_spelled_alike() {
        crate::domain::names::spelled_alike(LeadStatus::ALL, LeadStatus::as_str, LeadStatus::parse);
        crate::domain::names::spelled_alike(TaskStatus::ALL, TaskStatus::as_str, TaskStatus::parse);
    }

    #[test]
    fn a_supervisor_chain_may_not_loop() {
        // 2 reports to 1, 3 reports to 2.
        let sup = |s: i64| match s {
            2 => Some(1),
            3 => Some(2),
            _ => None,
        };
        assert!(closes_loop(1, 3, sup), "1 under 3 closes 1→3→2→1");
        assert!(closes_loop(1, 1, sup), "no one supervises themselves");
        assert!(!closes_loop(3, 1, sup));
        assert!(!closes_loop(4, 3, sup));
    }
}
