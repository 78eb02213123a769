//! `ivrsim graph MENU`: the menu map, as SVG (laid out here, no Graphviz needed), Graphviz
//! DOT, Mermaid or JSON; with findings drawn, an optional coverage or traffic overlay and an
//! optional focus on one node's neighbourhood. See `src/map/` and the README.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use crate::audio::ClipLibrary;
use crate::check::{self, Analysis, Overrides, Thresholds};
use crate::diag::{ColorChoice, Severity};
use crate::error::{Error, Outcome, UsageError};
use crate::map::Map;
use crate::source::Sources;

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A drawing, laid out by ivrsim (open it in a browser).
    Svg,
    /// Graphviz DOT, for `dot -Tsvg` and other Graphviz tools.
    Dot,
    /// A Mermaid flowchart, for Markdown docs and wikis.
    Mermaid,
    /// The map as data: nodes (kind, text, times, `no_operator`, `reachable`), edges, coverage.
    Json,
}

impl Format {
    /// The format a file name asks for by its extension (`.svg`, `.dot`/`.gv`, `.mmd`/`.mermaid`, `.json`).
    fn of_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "svg" => Format::Svg,
            "dot" | "gv" => Format::Dot,
            "mmd" | "mermaid" => Format::Mermaid,
            "json" => Format::Json,
            _ => return None,
        })
    }
}

/// Arguments of `ivrsim graph`.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The menu file.
    #[arg(value_name = "MENU", default_value = "menus/hotline.yaml")]
    pub menu: PathBuf,
    /// Output format [default: from the extension of --output, else svg].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the map to FILE (atomically) instead of stdout (`-`: stdout).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overlay test coverage from FILE, written by `ivrsim test --coverage-json FILE`:
    /// exercised edges solid, never-exercised ones grey and dashed.
    #[arg(long, value_name = "FILE")]
    pub coverage: Option<PathBuf>,
    /// Overlay simulated traffic from FILE, written by `ivrsim simulate MENU … -o FILE`:
    /// each edge as wide as the callers who took it (square root scale, 1 to 12 px) and
    /// labelled with them, each node with the callers who entered it and gave up there
    /// (per replication). One overlay at a time: not with --coverage.
    #[arg(long, value_name = "FILE", conflicts_with = "coverage")]
    pub traffic: Option<PathBuf>,
    /// Draw only the nodes near NODE (for large menus).
    #[arg(long, value_name = "NODE")]
    pub focus: Option<String>,
    /// With --focus: how many edges away from NODE to draw, either way.
    #[arg(long, value_name = "N", default_value_t = 2, requires = "focus")]
    pub depth: u32,
}

/// Mermaid's default `maxTextSize` (mermaid.js configuration): longer diagrams are not drawn.
const MERMAID_MAX_TEXT: usize = 50_000;

/// Draws the map: [`Outcome::Success`] when it was written (findings are drawn, not failures).
///
/// # Errors
/// A menu that cannot be read as a menu at all or has no node that can be drawn (findings on
/// stderr, an existing output left as it was; status 1); usage or I/O errors (unknown
/// `--focus` node, unreadable coverage or traffic file, traffic of another menu, output not
/// writable; status 2).
pub fn run(args: &GraphArgs, color: ColorChoice) -> Result<Outcome, Error> {
    let mut sources = Sources::new();
    let (menu, load_findings) = super::load_readable(&args.menu, &mut sources, color, "drawn")?;
    let (clips, mut findings) = ClipLibrary::load(&menu);
    findings.extend(load_findings);
    let analysis = Analysis::of(&menu, &clips);
    let thresholds = Thresholds::resolve(&menu, &Overrides::default());
    findings.extend(check::check_menu(&menu, &clips, &analysis, &thresholds));
    let mut map = Map::build(&menu, &sources, &analysis, &findings);
    if map.nodes.is_empty() {
        // Nothing to draw: an empty map would replace a good one with nothing.
        let errors: Vec<_> = findings
            .into_iter()
            .filter(|d| d.severity() == Severity::Error)
            .collect();
        let _ = crate::diag::render_text(&mut super::stderr(color), &sources, &errors);
        return Err(Error::NothingToDraw {
            path: args.menu.clone(),
        });
    }
    if let Some(path) = &args.coverage {
        match map.overlay_coverage(path) {
            Ok(stale) if !stale.unknown_nodes.is_empty() => {
                let names: Vec<String> = stale.unknown_nodes.iter().take(5).map(|n| format!("`{n}`")).collect();
                say!(
                    "warning: `{}` names nodes this menu does not have ({}); the menu changed since the \
                     scenarios ran: run `ivrsim test --coverage-json` again",
                    path.display(),
                    names.join(", ")
                );
            }
            Ok(_) => {}
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(path) = &args.traffic {
        let mismatch = map.overlay_traffic(path)?;
        if let Some(line) = mismatch.warning(&path.display().to_string(), &args.menu.display().to_string()) {
            say!("{line}");
        }
    }
    if let Some(node) = &args.focus {
        map = map.focus(node, args.depth).map_err(UsageError::from)?;
    }
    let output = args.output.as_deref().filter(|p| *p != Path::new("-"));
    if args.format.is_none()
        && let Some(out) = output
        && let Some(ext) = out.extension()
        && Format::of_extension(out).is_none()
    {
        say!(
            "note: `.{}` is not a map format ivrsim knows (.svg, .dot or .gv, .mmd or .mermaid, .json): \
             writing SVG; --format chooses",
            crate::source::printable_line(&ext.to_string_lossy())
        );
    }
    let format = args
        .format
        .or_else(|| output.and_then(Format::of_extension))
        .unwrap_or(Format::Svg);
    let text = match format {
        Format::Svg => crate::map::svg::render(&map),
        Format::Dot => crate::map::dot::render(&map),
        Format::Mermaid => crate::map::mermaid::render(&map),
        Format::Json => map.to_json(),
    };
    if format == Format::Mermaid && text.len() > MERMAID_MAX_TEXT {
        say!(
            "note: this Mermaid text has {} characters; Mermaid renders at most {MERMAID_MAX_TEXT} unless its \
             `maxTextSize` is raised: draw part of the menu with --focus NODE --depth N",
            text.len()
        );
    }
    super::write_output(output, text.as_bytes())?;
    let errors = findings.iter().filter(|d| d.severity() == Severity::Error).count();
    if let Some(out) = output {
        let trapped = map.nodes.iter().filter(|n| n.no_operator).count();
        let unreachable = map.nodes.iter().filter(|n| !n.reachable).count();
        let mut line = format!(
            "wrote {}: {} nodes, {} edges; {trapped} with no way to an operator, {unreachable} unreachable",
            out.display(),
            map.nodes.len(),
            map.edges.len()
        );
        if let Some((covered, total)) = map.edge_coverage() {
            line.push_str(&format!("; {covered}/{total} edges exercised"));
        }
        if map.traffic.is_some() {
            let taken = map.edges.iter().filter(|e| e.callers.is_some_and(|c| c > 0.0)).count();
            line.push_str(&format!(
                "; {taken}/{} edges taken by simulated callers",
                map.edges.len()
            ));
        }
        say!("{line}");
    }
    if errors > 0 {
        say!(
            "note: `{}` has {errors} error{} (drawn where they concern a node); run `ivrsim check {}` for all of them",
            args.menu.display(),
            if errors == 1 { "" } else { "s" },
            args.menu.display()
        );
    }
    Ok(Outcome::Success)
}
