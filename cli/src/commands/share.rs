//! `iamsim link` and `iamsim export-aws`: a scenario as a share link for the playground, or as
//! the equivalent `aws iam simulate-custom-policy` command.

use iamsim_core::scenario::aws_cli::simulate_custom_policy;
use iamsim_core::scenario::share::{encode_fragment, length_advice};
use iamsim_core::scenario::{read_scenarios, Scenario};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Reads every scenario of a file; unreadable ones are reported on stderr (exit code 1).
fn scenarios(path: &Path) -> Result<(Vec<Scenario>, bool), ExitCode> {
    let text = super::read_input(path).map_err(|e| {
        eprintln!("iamsim: {e}");
        ExitCode::from(2)
    })?;
    let mut failed = false;
    let mut read = Vec::new();
    for (i, scenario) in read_scenarios(&text).into_iter().enumerate() {
        match scenario {
            Ok(s) => read.push(s),
            Err(e) => {
                eprintln!("iamsim: {}: scenario {}: {e}", path.display(), i + 1);
                failed = true;
            }
        }
    }
    Ok((read, failed))
}

fn exit(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Prints one share link per scenario; `base` is the playground's address.
pub fn run_link(path: &Path, base: &str, out: &mut impl Write) -> ExitCode {
    let (scenarios, failed) = match scenarios(path) {
        Ok(read) => read,
        Err(code) => return code,
    };
    let base = base.split('#').next().unwrap_or(base);
    for scenario in &scenarios {
        let link = format!("{base}#{}", encode_fragment(scenario));
        let _ = writeln!(out, "{link}");
        if let Some(advice) = length_advice(link.chars().count()) {
            eprintln!("iamsim: {advice}");
        }
    }
    exit(failed)
}

/// Prints the `aws iam simulate-custom-policy` command of each scenario, its notes as comments.
pub fn run_export_aws(path: &Path, out: &mut impl Write) -> ExitCode {
    let (scenarios, failed) = match scenarios(path) {
        Ok(read) => read,
        Err(code) => return code,
    };
    for (i, scenario) in scenarios.iter().enumerate() {
        if i > 0 {
            let _ = writeln!(out);
        }
        let export = simulate_custom_policy(scenario);
        if let Some(name) = &scenario.name {
            let _ = writeln!(out, "# {name}");
        }
        for note in &export.notes {
            let _ = writeln!(out, "# note: {note}");
        }
        let _ = writeln!(out, "{}", export.command);
    }
    exit(failed)
}
