//! Drawing QR codes: in a terminal (for `qr render` and the wallet suite's interactive mode,
//! where a person scans from the screen) and as SVG.

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

/// The quiet zone ISO/IEC 18004 asks for, in modules.
pub const QUIET_ZONE: usize = 4;

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
