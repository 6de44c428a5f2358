//! Recording dates: `--date`, else an ISO date in the file name, else the container's tag.

use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;
use time::Date;

use crate::audio::DecodedAudio;
use crate::model::{parse_iso_date, DateSource};

/// The recording date and its source: `--date`, else an ISO date in the file name, else the
/// container's date tag, else unknown. Never the file's modification time.
pub fn recording_date(
    argument: Option<Date>,
    path: &Path,
    decoded: &DecodedAudio,
) -> (Option<Date>, DateSource) {
    if let Some(date) = argument {
        return (Some(date), DateSource::Argument);
    }
    if let Some(date) = path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(date_in_name)
    {
        return (Some(date), DateSource::FileName);
    }
    if let Some(date) = decoded.tagged_date {
        return (Some(date), DateSource::ContainerTag);
    }
    (None, DateSource::Unknown)
}

/// The first valid `YYYY-MM-DD` in a file name.
pub fn date_in_name(name: &str) -> Option<Date> {
    static ISO: OnceLock<Regex> = OnceLock::new();
    let iso = ISO
        .get_or_init(|| Regex::new(r"(?:^|\D)(\d{4}-\d{2}-\d{2})(?:\D|$)").expect("valid regex"));
    iso.captures_iter(name)
        .find_map(|c| parse_iso_date(c.get(1)?.as_str()))
}
#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_in_file_names() {
        assert_eq!(
            date_in_name("2021-09-14 security standup.wav"),
            Some(date!(2021 - 09 - 14))
        );
        assert_eq!(
            date_in_name("interview 2021-12-02.m4a"),
            Some(date!(2021 - 12 - 02))
        );
        assert_eq!(
            date_in_name("call_2022-01-11_final.ogg"),
            Some(date!(2022 - 01 - 11))
        );
        assert_eq!(date_in_name("2021-13-45 bad.wav"), None);
        assert_eq!(date_in_name("12021-09-14.wav"), None);
        assert_eq!(date_in_name("board call.ogg"), None);
    }
}
