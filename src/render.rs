//! Drawing QR codes: in a terminal (for `qr render` and the wallet suite's interactive mode,
//! where a person scans from the screen) and as SVG; and whether a code fits the terminal
//! it is drawn in.

use qrcode::render::svg;
use qrcode::{Color, EcLevel, QrCode};

/// Largest byte payload of a QR code: version 40 at error-correction level L.
pub const MAX_QR_BYTES: usize = 2953;

/// Builds the smallest code at level M, falling back to L for long deep links: a screen
/// or paper code scanned up close rarely needs M's extra redundancy.
pub fn build_code(text: &str) -> Result<QrCode, String> {
    if text.is_empty() {
        return Err("the QR text to render is empty".to_string());
    }
    QrCode::with_error_correction_level(text, EcLevel::M)
        .or_else(|_| QrCode::with_error_correction_level(text, EcLevel::L))
        .map_err(|e| {
            format!(
                "the QR text ({} bytes) does not fit in a QR code ({e}); the largest holds \
                 {MAX_QR_BYTES} bytes",
                text.len()
            )
        })
}

/// The quiet zone drawn in a terminal, in modules: half the 4 of ISO/IEC 18004, so that more
/// codes fit an 80x24 terminal. Phone scanners read a 2-module zone on the explicit white
/// background; the SVG keeps the full 4.
pub const QUIET_ZONE: usize = 2;

/// Columns and lines a code takes in a terminal ([`render_terminal`]): one column per module,
/// two module rows per line, the quiet zone included.
pub fn terminal_footprint(code: &QrCode) -> (usize, usize) {
    let side = code.width() + 2 * QUIET_ZONE;
    (side, side.div_ceil(2))
}

/// The terminal's size in columns and lines: `COLUMNS` and `LINES` when both are set (a
/// shell exports them, and a user can), else the window size of standard error, standard
/// output or standard input, the first that is a terminal. `None` when none says.
pub fn terminal_size() -> Option<(usize, usize)> {
    let from_env = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|n| *n > 0)
    };
    if let (Some(columns), Some(lines)) = (from_env("COLUMNS"), from_env("LINES")) {
        return Some((columns, lines));
    }
    window_size()
}

#[cfg(unix)]
fn window_size() -> Option<(usize, usize)> {
    // Standard input last: in interactive mode the person answers there, so it is the
    // terminal even when the output is piped (`… 2>&1 | tee run.log`).
    for fd in [libc::STDERR_FILENO, libc::STDOUT_FILENO, libc::STDIN_FILENO] {
        let mut size = libc::winsize {
            ws_row: 0,
            ws_col: 0,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: TIOCGWINSZ writes one `winsize` into the struct it is given, which lives
        // for the call; on a descriptor that is no terminal it fails and writes nothing.
        let ok = unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut size) } == 0;
        if ok && size.ws_col > 0 && size.ws_row > 0 {
            return Some((usize::from(size.ws_col), usize::from(size.ws_row)));
        }
    }
    None
}

#[cfg(not(unix))]
fn window_size() -> Option<(usize, usize)> {
    None
}

/// The code drawn for a terminal of `size` (columns, lines) that must keep `reserved` lines
/// for text below the code, or, when the code does not fit, why not and where to scan it
/// from instead: `svg`, the path of the code's SVG file. With no known size the code is
/// drawn (a terminal that does not say its size is assumed large enough).
///
/// No denser drawing helps: block characters give two module rows per line at most, so a
/// code's lines are half its side whatever the width, and finer cells (sextants, Braille)
/// are drawn with gaps or not at all by common terminal fonts, which phones do not read.
/// `coloured` draws black on an explicit white background ([`render_terminal_styled`]).
pub fn render_fitted(
    code: &QrCode,
    size: Option<(usize, usize)>,
    reserved: usize,
    svg: &str,
    coloured: bool,
) -> Result<String, String> {
    let (columns, lines) = terminal_footprint(code);
    match size {
        Some((have_columns, have_lines))
            if columns > have_columns || lines + reserved > have_lines =>
        {
            Err(format!(
                "The terminal is too small for this QR code: it needs {columns} columns and {} \
                 lines, the terminal has {have_columns}x{have_lines}. Enlarge the window or \
                 reduce the font size, or scan the SVG instead: {svg} (or the page of \
                 `--web 127.0.0.1:0`, which shows the code large)",
                lines + reserved
            ))
        }
        _ => Ok(render_terminal_styled(code, coloured)),
    }
}

/// Renders with `▀`/`▄`/`█`, two module rows per line, inside a quiet zone.
///
/// Each line sets black foreground on white background explicitly (SGR 30;47) and resets
/// at its end. Drawing only the dark modules in the terminal's own colours would invert
/// the code on a dark theme (light modules on black), which many phone scanners refuse;
/// the explicit white background is also what makes the quiet zone visible.
pub fn render_terminal(code: &QrCode) -> String {
    render_terminal_styled(code, true)
}

/// [`render_terminal`], or without its colours when `coloured` is false (`--color never`,
/// NO_COLOR): the modules are then drawn in the terminal's own colours.
pub fn render_terminal_styled(code: &QrCode, coloured: bool) -> String {
    let (start, end) = if coloured {
        ("\x1b[30;47m", "\x1b[0m")
    } else {
        ("", "")
    };
    let width = code.width();
    let colors = code.to_colors();
    let side = width + 2 * QUIET_ZONE;
    let dark = |x: usize, y: usize| {
        x >= QUIET_ZONE
            && y >= QUIET_ZONE
            && x < QUIET_ZONE + width
            && y < QUIET_ZONE + width
            && colors[(y - QUIET_ZONE) * width + (x - QUIET_ZONE)] == Color::Dark
    };
    let mut out = String::new();
    for y in (0..side).step_by(2) {
        out.push_str(start);
        for x in 0..side {
            out.push(match (dark(x, y), dark(x, y + 1)) {
                (true, true) => '█',
                (true, false) => '▀',
                (false, true) => '▄',
                (false, false) => ' ',
            });
        }
        out.push_str(end);
        out.push('\n');
    }
    out
}

/// A standalone SVG document, 8 px per module with the standard quiet zone.
pub fn render_svg(code: &QrCode) -> String {
    code.render::<svg::Color<'_>>()
        .quiet_zone(true)
        .module_dimensions(8, 8)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_footprint_is_the_drawing_and_a_small_code_fits_80x24() {
        let code = build_code("{\"action\":\"login\"}").unwrap();
        let (columns, lines) = terminal_footprint(&code);
        let drawn = render_terminal(&code);
        assert_eq!(drawn.lines().count(), lines);
        for line in drawn.lines() {
            let cells = line
                .trim_start_matches("\x1b[30;47m")
                .trim_end_matches("\x1b[0m");
            assert_eq!(cells.chars().count(), columns);
        }
        assert_eq!(
            render_fitted(&code, Some((80, 24)), 3, "x.svg", true),
            Ok(drawn)
        );
        // No known size: drawn.
        assert!(render_fitted(&code, None, 3, "x.svg", true).is_ok());
    }

    /// The longest QR text the wallet suites hand over (1094 bytes: the SimpleWallet
    /// transaction request as a deep link) and the shortest (168 bytes: an Ontology invoke
    /// QR code pointing at its payload), as a run printed them.
    const LONGEST: &str = concat!(
        "simplewallet://eos.io?param=%7B%22protocol%22%3A+%22SimpleWallet%22%2C+%22version%22%3A+",
        "%221.0%22%2C+%22action%22%3A+%22transaction%22%2C+%22dappName%22%3A+%22qrconform%20harne",
        "ss%22%2C+%22dappIcon%22%3A+%22http%3A%2F%2F127.0.0.1%3A39873%2Ficon.png%22%2C+%22expired",
        "%22%3A+1796624310%2C+%22desc%22%3A+%22qrconform%20transaction%20check%22%2C+%22actions%2",
        "2%3A+%5B%7B%22account%22%3A+%22eosio%22%2C+%22name%22%3A+%22buyram%22%2C+%22info%22%3A+%",
        "22buy%20RAM%22%2C+%22data%22%3A+%7B%22payer%22%3A+%22qrconformwlt%22%2C+%22receiver%22%3",
        "A+%22qrconformwlt%22%2C+%22quant%22%3A+%220.1000%20EOS%22%7D%7D%2C+%7B%22account%22%3A+%",
        "22eosio.token%22%2C+%22name%22%3A+%22transfer%22%2C+%22info%22%3A+%22pay%20the%20order%2",
        "2%2C+%22data%22%3A+%7B%22from%22%3A+%22qrconformwlt%22%2C+%22to%22%3A+%22qrcpayee1111%22",
        "%2C+%22quantity%22%3A+%220.0001%20EOS%22%2C+%22memo%22%3A+%22qrconform%20order%2083f6dbb",
        "c826ae83420be8f00b0a51a6e%22%7D%7D%5D%2C+%22notifyUrl%22%3A+%22http%3A%2F%2F127.0.0.1%3A",
        "39873%2Fcallback%2Fff6063f912820028%22%2C+%22callback%22%3A+%22qrconform-dapp%3A%2F%2Fca",
        "llback%3Fcase%3Dff6063f912820028%22%7D",
    );
    const SHORTEST: &str = "{\"action\":\"invoke\",\"version\":\"v1.0.0\",\"id\":\"95e758a1bfaa0028\",\"params\":{\"login\":true,\"qrcodeUrl\":\"http://127.0.0.1:43655/payload/95e758a1bfaa0028\",\"expire\":1796624330}}";

    #[test]
    fn a_code_too_large_for_the_terminal_says_so_and_points_to_the_svg() {
        assert_eq!((LONGEST.len(), SHORTEST.len()), (1094, 168));
        let code = build_code(LONGEST).unwrap();
        let (columns, lines) = terminal_footprint(&code);
        // Version 27 at level M: 125 modules and the 2-module quiet zone on each side.
        assert_eq!((columns, lines), (129, 65));
        let drawn = render_terminal(&code);
        assert_eq!(drawn.lines().count(), lines);
        let told = render_fitted(&code, Some((80, 24)), 3, "/tmp/qr/case.svg", true).unwrap_err();
        assert!(told.contains("too small"), "{told}");
        assert!(told.contains("needs 129 columns and 68 lines"), "{told}");
        assert!(told.contains("has 80x24"), "{told}");
        assert!(told.contains("/tmp/qr/case.svg"), "{told}");
        assert!(told.contains("--web"), "{told}");
        // A terminal large enough draws it.
        assert_eq!(
            render_fitted(&code, Some((129, 68)), 3, "x", true),
            Ok(drawn)
        );
        // Even the shortest needs more than 24 lines: version 9, 57x29, and 3 lines below.
        let code = build_code(SHORTEST).unwrap();
        assert_eq!(terminal_footprint(&code), (57, 29));
        assert!(render_fitted(&code, Some((80, 24)), 3, "x", true).is_err());
        assert!(render_fitted(&code, Some((80, 32)), 3, "x", true).is_ok());
    }
}
