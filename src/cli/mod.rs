//! Argument parsing and the two commands.

mod text;

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use privacy_lens::synthetic::{Plan, SyntheticHistory};
use privacy_lens::{Analyzer, Options, QuietHours, Thresholds};

/// Chunk size for reading files: large enough to amortise calls, small enough to stay in cache.
const CHUNK: usize = 4 << 20;

#[derive(Parser)]
#[command(name = "privacy-lens", version, about = "What the apps on an iPhone did, from its App Privacy Report.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read one or more exports (one history; overlaps count once) and report on them.
    Analyze(AnalyzeArgs),
    /// Write a synthetic, realistic export (for demos, tests and benchmarks).
    Generate(GenerateArgs),
}

#[derive(Args)]
struct AnalyzeArgs {
    /// Export files (.ndjson); `-` reads standard input.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print the report as JSON (the stable format described in the README).
    #[arg(long)]
    json: bool,
    /// Quiet hours, local time, start included and end excluded; may cross midnight.
    #[arg(long, value_name = "HH:MM-HH:MM", default_value = "00:00-06:00")]
    quiet_hours: QuietHours,
    /// quiet_hours_access: at least this many quiet-hours intervals (1 or more).
    #[arg(long, value_name = "N", default_value_t = Thresholds::default().quiet_hours_min,
          value_parser = clap::value_parser!(u64).range(1..))]
    quiet_hours_min: u64,
    /// frequent_access: at least this many intervals per day on average (more than 0).
    #[arg(long, value_name = "N", default_value_t = Thresholds::default().frequent_per_day, value_parser = positive)]
    frequent_per_day: f64,
    /// long_access: an interval of photos, contacts or media at least this many seconds long (more than 0).
    #[arg(long, value_name = "SECONDS", default_value_t = Thresholds::default().long_seconds, value_parser = positive)]
    long_seconds: f64,
    /// third_party_trackers: at least this many third-party tracker domains (1 or more).
    #[arg(long, value_name = "N", default_value_t = Thresholds::default().trackers_min,
          value_parser = clap::value_parser!(u64).range(1..))]
    trackers_min: u64,
    /// The tracker database compiled by `make data` (default: www/data/trackerdb.tsv of the
    /// project the binary was built in, when it is there).
    #[arg(long, value_name = "FILE")]
    trackerdb: Option<PathBuf>,
}

#[derive(Args)]
struct GenerateArgs {
    /// Seed of the random choices; the same seed gives the same file.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Days of activity.
    #[arg(long, default_value_t = 7)]
    days: u32,
    /// Instead of one export, write consecutive weekly exports (7 days each; --days is not
    /// used) back to back until the output reaches this many bytes (suffixes K, M, G).
    #[arg(long, value_name = "BYTES", value_parser = parse_size)]
    size: Option<u64>,
    /// Where to write; standard output when absent.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// Runs the command line and returns the process's exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Analyze(args) => analyze(args),
        Command::Generate(args) => generate(args),
    };
    match outcome {
        Ok(code) => code,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("privacy-lens: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `www/data/trackerdb.tsv` of the project whose `target/<profile>/` holds this binary.
fn default_trackerdb() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    exe.ancestors().skip(1).take(4).map(|dir| dir.join("www/data/trackerdb.tsv")).find(|path| path.is_file())
}

fn analyze(args: AnalyzeArgs) -> io::Result<ExitCode> {
    let options = Options {
        quiet_hours: args.quiet_hours,
        thresholds: Thresholds {
            quiet_hours_min: args.quiet_hours_min,
            frequent_per_day: args.frequent_per_day,
            long_seconds: args.long_seconds,
            trackers_min: args.trackers_min,
        },
    };
    let mut analyzer = Analyzer::new();
    match args.trackerdb.or_else(default_trackerdb) {
        Some(path) => match std::fs::read(&path) {
            Ok(bytes) => {
                analyzer.load_trackerdb(&bytes);
            }
            Err(error) => eprintln!("privacy-lens: cannot read the tracker database {}: {error}", path.display()),
        },
        None => eprintln!(
            "privacy-lens: note: no tracker database (give --trackerdb FILE; `make data` writes www/data/trackerdb.tsv); \
             owners come from the project's table and Apple only"
        ),
    }
    let mut buffer = vec![0u8; CHUNK];
    for path in &args.files {
        let name = path.display().to_string();
        let mut input: Box<dyn Read> = if name == "-" {
            Box::new(io::stdin().lock())
        } else {
            match File::open(path) {
                Ok(file) => {
                    analyzer.expect_bytes(file.metadata().map_or(0, |m| m.len()));
                    Box::new(file)
                }
                Err(error) => {
                    eprintln!("privacy-lens: cannot open {name}: {error}");
                    continue;
                }
            }
        };
        analyzer.start_file(&name);
        loop {
            match input.read(&mut buffer) {
                Ok(0) => break,
                Ok(read) => analyzer.feed(&buffer[..read]),
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => {
                    eprintln!("privacy-lens: reading {name} stopped: {error}");
                    break;
                }
            }
        }
        if let Some(error) = analyzer.finish_file().and_then(|file| file.error.as_ref()) {
            eprintln!("privacy-lens: {error}");
        }
    }
    let report = analyzer.report(&options);
    let mut out = BufWriter::new(io::stdout().lock());
    if args.json {
        serde_json::to_writer(&mut out, &report)?;
        writeln!(out)?;
    } else {
        text::write_report(&mut out, &report)?;
    }
    out.flush()?;
    if analyzer.has_export() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("privacy-lens: none of the files is an App Privacy Report export");
        Ok(ExitCode::FAILURE)
    }
}

fn generate(args: GenerateArgs) -> io::Result<ExitCode> {
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::new(File::create(path)?)),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let plan = Plan { seed: args.seed, days: args.days, ..Plan::default() };
    match args.size {
        Some(bytes) => SyntheticHistory::write_weekly_exports(&plan, bytes, &mut out)?,
        None => {
            let history = SyntheticHistory::generate(&plan);
            history.write_export(history.window(), &mut out)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => text.split_at(at),
        None => (text, ""),
    };
    let multiplier = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        _ => return Err(format!("{text:?} is not a size such as 100M or 1G")),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(multiplier))
        .ok_or_else(|| format!("{text:?} is not a size such as 100M or 1G"))
}

/// A finite number greater than zero.
fn positive(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(value) if value.is_finite() && value > 0.0 => Ok(value),
        _ => Err(format!("{text:?} should be a number greater than 0")),
    }
}
