//! CSV output that is safe to open in a spreadsheet.
//!
//! A transcript is untrusted text: an imported cue that starts with `=`, `+`, `-` or `@` would
//! become a formula in Excel or LibreOffice (CSV injection). Following OWASP's advice, a cell
//! whose first character (after any leading whitespace) is one of `= + - @`, a tab or a carriage
//! return, or the full-width forms of the four signs, is written with a leading apostrophe, which
//! spreadsheets show as text. [`Cells::Raw`] (`--csv-raw`) writes the bytes as stored. JSON and
//! Markdown are never altered.

use std::borrow::Cow;

use crate::error::{Error, Result};

/// How cells are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Cells {
    /// Cells a spreadsheet would run as a formula get a leading `'`.
    #[default]
    Safe,
    /// Every cell exactly as stored.
    Raw,
}

impl Cells {
    /// `Raw` when `raw` is set (the `--csv-raw` flag), else `Safe`.
    pub fn from_flag(raw: bool) -> Self {
        if raw {
            Cells::Raw
        } else {
            Cells::Safe
        }
    }
}

/// The cell as a spreadsheet will show it as text: `'` prepended when it would start a formula.
fn neutralise(cell: &str) -> Cow<'_, str> {
    let first = cell.trim_start_matches([' ', '\u{a0}']).chars().next();
    match first {
        Some(
            '=' | '+' | '-' | '@' | '\t' | '\r' | '\u{FF1D}' | '\u{FF0B}' | '\u{FF0D}' | '\u{FF20}',
        ) => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// A CSV document built row by row in memory.
pub struct Table {
    out: csv::Writer<Vec<u8>>,
    cells: Cells,
}

impl Table {
    /// A table with its header row written.
    pub fn new(header: &[&str], cells: Cells) -> Result<Self> {
        let mut table = Table {
            out: csv::Writer::from_writer(Vec::new()),
            cells,
        };
        table.row(header.iter().copied())?;
        Ok(table)
    }

    /// One row; cells are neutralised unless the table is raw.
    pub fn row<'a>(&mut self, fields: impl IntoIterator<Item = &'a str>) -> Result<()> {
        let result = match self.cells {
            Cells::Raw => self.out.write_record(fields),
            Cells::Safe => self
                .out
                .write_record(fields.into_iter().map(|f| neutralise(f).into_owned())),
        };
        result.map_err(Error::Csv)
    }

    /// The document.
    pub fn finish(self) -> Result<String> {
        let bytes = self
            .out
            .into_inner()
            .map_err(|e| Error::Csv(e.into_error().into()))?;
        Ok(String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_get_an_apostrophe() {
        for cell in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "  =1+1",
            "\u{FF1D}1+1",
        ] {
            assert_eq!(neutralise(cell), format!("'{cell}"), "{cell:?}");
        }
        for cell in ["", "plain text", "2021-11-03", "00:01:02", "a=b", "0.830"] {
            assert_eq!(neutralise(cell), cell, "{cell:?}");
        }
    }

    #[test]
    fn safe_and_raw_tables() {
        let build = |cells| {
            let mut table = Table::new(&["quote", "n"], cells).unwrap();
            table.row(["=1+1", "2"]).unwrap();
            table.finish().unwrap()
        };
        assert_eq!(build(Cells::Safe), "quote,n\n'=1+1,2\n");
        assert_eq!(build(Cells::Raw), "quote,n\n=1+1,2\n");
    }
}
