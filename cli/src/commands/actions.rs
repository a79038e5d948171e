//! `iamsim actions SERVICE`: a service's actions, resource types and condition keys.

use iamsim_core::catalog::{catalog, Service};
use std::io::{self, Write};
use std::process::ExitCode;

/// Prints three sections for `service` (a prefix such as `ecr`, any case):
/// actions (name, access levels, resource types with `*` for required ones, condition keys),
/// resource types (name, ARN templates, keys), and condition keys (name, type).
/// Exit code 1 for an unknown service, with a "did you mean" on stderr.
pub fn run_actions(service: &str, out: &mut impl Write) -> ExitCode {
    let cat = catalog();
    let Some(s) = cat.service(service) else {
        match cat.suggest_service(service) {
            Some(p) => {
                eprintln!("iamsim: `{service}` is not a service prefix; did you mean `{p}`?")
            }
            None => eprintln!("iamsim: `{service}` is not a service prefix"),
        }
        return ExitCode::from(1);
    };
    match write_service(s, out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(2),
    }
}

fn write_service(s: Service<'_>, out: &mut impl Write) -> io::Result<()> {
    writeln!(
        out,
        "{} ({}): {} actions",
        s.name(),
        s.prefix(),
        s.actions().len()
    )?;
    writeln!(out, "\nActions:")?;
    for a in s.actions() {
        let types: Vec<String> = a
            .resource_types()
            .map(|r| {
                format!(
                    "{}{}",
                    r.resource_type.name(),
                    if r.required { "*" } else { "" }
                )
            })
            .collect();
        let keys: Vec<&str> = a.condition_keys().iter().map(|k| k.name()).collect();
        writeln!(
            out,
            "  {a}\t{}\tresources: {}\tkeys: {}",
            a.access_levels(),
            if types.is_empty() {
                "* only".to_string()
            } else {
                types.join(", ")
            },
            if keys.is_empty() {
                "-".to_string()
            } else {
                keys.join(", ")
            },
        )?;
    }
    writeln!(out, "\nResource types:")?;
    for r in s.resource_types() {
        let templates: Vec<&str> = r.arn_templates().collect();
        let keys: Vec<&str> = r.condition_keys().map(|k| k.name()).collect();
        writeln!(
            out,
            "  {}\t{}\tkeys: {}",
            r.name(),
            templates.join(" | "),
            if keys.is_empty() {
                "-".into()
            } else {
                keys.join(", ")
            }
        )?;
    }
    writeln!(out, "\nCondition keys:")?;
    for k in s.condition_keys() {
        writeln!(out, "  {}\t{}", k.name(), k.key_type())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_ecr() {
        let mut out = Vec::new();
        assert_eq!(run_actions("ECR", &mut out), ExitCode::SUCCESS);
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.starts_with("Amazon Elastic Container Registry (ecr): 64 actions"));
        assert!(text.contains("  ecr:GetAuthorizationToken\tRead\tresources: * only"));
        assert!(text.contains("  ecr:PutImage\tWrite\tresources: repository*"));
        assert!(
            text.contains("arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}")
        );
        assert!(text.contains("  aws:TagKeys\tArrayOfString"));
    }

    #[test]
    fn unknown_service() {
        let mut out = Vec::new();
        assert_eq!(run_actions("ecrr", &mut out), ExitCode::from(1));
    }
}
