//! `iamsim`: the simulator from a terminal and in CI pipelines.

mod commands;

// Linked for its side effect: with the `override` feature, mimalloc's `malloc` and `free` replace
// the C library's, and Rust's default allocator calls them (see cli/Cargo.toml and
// docs/performance.md). `extern crate` makes sure the crate is linked although nothing names it.
extern crate libmimalloc_sys;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// AWS IAM policy simulator: AWS's authorization decision across identity, resource, boundary,
/// session, SCP, RCP and VPC endpoint policies, explained.
///
/// Exit codes: 0 success; 1 a test failed, a policy has errors, or a scenario could not be
/// read; 2 bad usage or an unreadable file.
#[derive(Parser)]
#[command(name = "iamsim", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate scenarios (one, a JSON array, or JSON Lines) and print one JSON result per line.
    Simulate {
        /// Scenario file, or `-` for standard input.
        file: PathBuf,
        /// Print a readable explanation instead of JSON.
        #[arg(long)]
        explain: bool,
    },
    /// Check the `expect` and `tests` of scenario files (folders are searched recursively).
    Test {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Also list the checks that passed.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Validate one policy document for a policy type and print its diagnostics with positions.
    Validate {
        /// Policy file, or `-` for standard input.
        file: PathBuf,
        /// identity | resource | ecr | kms | trust | boundary | session | scp | rcp | vpce
        #[arg(long = "type", short = 't', default_value = "identity")]
        policy_type: String,
        /// Print diagnostics as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the actions a pattern such as `ecr:Get*` or `*:Describe*` grants, with access levels.
    Expand { pattern: String },
    /// List a service's actions, resource types and condition keys (e.g. `ecr`).
    Actions { service: String },
    /// Print a playground link holding the scenario in its fragment (one per scenario).
    Link {
        /// Scenario file, or `-` for standard input.
        file: PathBuf,
        /// The playground's address.
        #[arg(long, default_value = "http://127.0.0.1:8080/")]
        base: String,
    },
    /// Print the scenario as an `aws iam simulate-custom-policy` command, with notes on what
    /// AWS's simulator cannot express.
    ExportAws {
        /// Scenario file, or `-` for standard input.
        file: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match cli.command {
        Command::Simulate { file, explain } => commands::simulate::run(&file, explain, &mut out),
        Command::Test { paths, verbose } => commands::test::run(&paths, verbose, &mut out),
        Command::Validate {
            file,
            policy_type,
            json,
        } => commands::validate::run(&file, &policy_type, json, &mut out),
        Command::Expand { pattern } => commands::expand::run_expand(&pattern, &mut out),
        Command::Actions { service } => commands::actions::run_actions(&service, &mut out),
        Command::Link { file, base } => commands::share::run_link(&file, &base, &mut out),
        Command::ExportAws { file } => commands::share::run_export_aws(&file, &mut out),
    }
}
