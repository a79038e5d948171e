//! The `iamsim` binary end to end: output shapes and exit codes.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn iamsim(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamsim"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("iamsim runs");
    if let Some(input) = stdin {
        // The program may exit before reading (a usage error): a broken pipe is not a failure.
        let _ = child.stdin.take().expect("stdin").write_all(input);
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("iamsim finishes")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard output as JSON Lines, one value per line.
fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

const ALLOWED: &str = r#"{"format":"iamsim/scenario@1","policies":{"identity":[{"name":"Push","document":{"Version":"2012-10-17","Statement":[{"Sid":"Push","Effect":"Allow","Action":"ecr:PutImage","Resource":"*"}]}}]},"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"ecr:PutImage","resource":"arn:aws:ecr:us-east-1:111122223333:repository/web"},"expect":"Allow"}"#;

#[test]
fn simulate_prints_one_line_per_scenario_and_goes_on_after_a_bad_one() {
    let input = format!("{ALLOWED}\n{{\"request\": 3}}\n{ALLOWED}\n");
    let out = iamsim(&["simulate", "-"], Some(input.as_bytes()));
    assert_eq!(
        out.status.code(),
        Some(1),
        "a malformed scenario makes the exit code 1"
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["decision"], "Allow");
    assert_eq!(lines[0]["reasons"][0]["sid"], "Push");
    assert_eq!(lines[1]["error"]["position"]["line"], 2);
    assert_eq!(lines[2]["decision"], "Allow");
}

/// 3,000 JSON Lines (≈ ten chunks): every third denied, line 1501 not UTF-8.
fn long_json_lines() -> Vec<u8> {
    let denied = ALLOWED.replace(
        "ecr:PutImage\",\"resource",
        "ecr:DeleteRepository\",\"resource",
    );
    let mut input = Vec::new();
    for i in 0..3000 {
        match i {
            1500 => input.extend_from_slice(b"{\"name\":\"\xff\"}\r\n"),
            _ if i % 3 == 0 => input.extend_from_slice(denied.as_bytes()),
            _ => input.extend_from_slice(ALLOWED.as_bytes()),
        }
        input.push(b'\n');
    }
    input
}

/// JSON Lines longer than many read chunks, from a pipe: every result in input order, and a line
/// that is not UTF-8 gets an error with its line while the others are evaluated.
#[test]
fn simulate_streams_long_json_lines_in_order() {
    let input = long_json_lines();
    let out = iamsim(&["simulate", "-"], Some(&input));
    assert_eq!(
        out.status.code(),
        Some(1),
        "the unreadable line makes the exit code 1"
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3000);
    for (i, line) in lines.iter().enumerate() {
        match i {
            1500 => {
                assert_eq!(line["error"]["message"], "the line is not valid UTF-8");
                assert_eq!(line["error"]["position"]["line"], 1501);
                assert_eq!(line["error"]["position"]["column"], 10);
            }
            _ if i % 3 == 0 => assert_eq!(line["decision"], "ImplicitDeny", "line {i}"),
            _ => assert_eq!(line["decision"], "Allow", "line {i}"),
        }
    }
}

/// Standard output with the clock's context entries (`aws:CurrentTime`, `aws:EpochTime`) left
/// out of each result, so that two runs compare.
fn without_clock(o: &Output) -> String {
    stdout(o)
        .lines()
        .map(
            |line| match serde_json::from_str::<serde_json::Value>(line) {
                Ok(mut result) => {
                    if let Some(entries) = result["context"].as_array_mut() {
                        entries.retain(|e| {
                            !matches!(e["key"].as_str(), Some("aws:CurrentTime" | "aws:EpochTime"))
                        });
                    }
                    result.to_string()
                }
                Err(_) => line.to_string(),
            },
        )
        .collect::<Vec<_>>()
        .join("\n")
}

/// A regular file is mapped and cut in place, by path or as standard input; a pipe is read.
/// Both give the same bytes and exit code, whatever the input is.
#[test]
fn simulate_reads_a_mapped_file_as_it_reads_a_pipe() {
    let dir = std::env::temp_dir().join(format!("iamsim-cli-map-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let inputs: [(&str, Vec<u8>); 5] = [
        ("lines.jsonl", long_json_lines()),
        (
            "array.json",
            format!("[{ALLOWED},\n{ALLOWED}]\n").into_bytes(),
        ),
        ("one.json", format!("{ALLOWED}\n").into_bytes()),
        ("empty.jsonl", Vec::new()),
        ("not-utf8.json", b"[\xff]\n".to_vec()),
    ];
    for (name, bytes) in inputs {
        let path = dir.join(name);
        std::fs::write(&path, &bytes).expect("write input");
        let piped = iamsim(&["simulate", "-"], Some(&bytes));
        let by_path = iamsim(&["simulate", path.to_str().expect("UTF-8 path")], None);
        let redirected = Command::new(env!("CARGO_BIN_EXE_iamsim"))
            .args(["simulate", "-"])
            .stdin(std::fs::File::open(&path).expect("open input"))
            .output()
            .expect("iamsim runs");
        for (how, out) in [("by path", &by_path), ("redirected", &redirected)] {
            assert_eq!(out.status.code(), piped.status.code(), "{name} {how}");
            assert_eq!(without_clock(out), without_clock(&piped), "{name} {how}");
        }
        if name == "not-utf8.json" {
            let message = String::from_utf8_lossy(&by_path.stderr).into_owned();
            assert!(message.contains("did not contain valid UTF-8"), "{message}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A JSON array is worked through in groups of scenarios, stage by stage, as JSON Lines are:
/// results stay in input order across the groups' edges, with a malformed scenario among them.
#[test]
fn simulate_keeps_a_json_arrays_order_across_groups() {
    let denied = ALLOWED.replace(
        "ecr:PutImage\",\"resource",
        "ecr:DeleteRepository\",\"resource",
    );
    let scenarios: Vec<&str> = (0..100)
        .map(|i| match i {
            40 => r#"{"request": 3}"#,
            _ if i % 3 == 0 => denied.as_str(),
            _ => ALLOWED,
        })
        .collect();
    let out = iamsim(
        &["simulate", "-"],
        Some(format!("[{}]", scenarios.join(",")).as_bytes()),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "the malformed scenario makes it 1"
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 100);
    for (i, line) in lines.iter().enumerate() {
        match i {
            40 => assert!(line["error"]["message"].is_string(), "{line}"),
            _ if i % 3 == 0 => assert_eq!(line["decision"], "ImplicitDeny", "scenario {i}"),
            _ => assert_eq!(line["decision"], "Allow", "scenario {i}"),
        }
    }
}

#[test]
fn simulate_reads_a_json_array_and_explains() {
    let out = iamsim(
        &["simulate", "--explain", "-"],
        Some(format!("[{ALLOWED}]").as_bytes()),
    );
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("Decision: Allow"), "{text}");
    assert!(text.contains("statement `Push` of `Push` allows"), "{text}");
}

/// `iamsim test` on a folder of the repository, which must pass: its output.
fn test_passes_on(folder: &str) -> String {
    let path = repo().join(folder);
    let out = iamsim(&["test", path.to_str().expect("utf-8 path")], None);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.trim_end().ends_with(" 0 failed"), "{text}");
    text
}

#[test]
fn test_runs_the_corpus_and_summarizes() {
    test_passes_on("tests/corpus");
}

/// The issue's own command: the whole `tests/` folder, whose end-to-end suite holds npm's JSON.
#[test]
fn test_runs_the_tests_folder_passing_over_what_is_not_a_scenario() {
    let text = test_passes_on("tests");
    assert!(
        text.contains("skip ") && text.contains("package.json: not a scenario"),
        "{text}"
    );
    assert!(!text.contains("node_modules"), "{text}");
}

#[test]
fn test_reports_a_failure_and_exits_one() {
    let dir = std::env::temp_dir().join(format!("iamsim-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let wrong = ALLOWED.replace("\"expect\":\"Allow\"", "\"expect\":\"ExplicitDeny\"");
    std::fs::write(dir.join("wrong.json"), wrong).expect("write");
    std::fs::write(dir.join("right.json"), ALLOWED).expect("write");
    let out = iamsim(&["test", dir.to_str().expect("utf-8 path")], None);
    let text = stdout(&out);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("FAIL") && text.contains("expected ExplicitDeny, got Allow"),
        "{text}"
    );
    assert!(text.trim_end().ends_with("1 passed, 1 failed"), "{text}");
}

#[test]
fn validate_prints_positions_and_exits_one_on_errors() {
    let policy = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\": \"allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}\n}";
    let out = iamsim(
        &["validate", "--type", "identity", "-"],
        Some(policy.as_bytes()),
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("-:3:"), "the finding carries line 3: {text}");
    assert!(text.contains("invalid-effect"), "{text}");
}

#[test]
fn bad_usage_exits_two() {
    assert_eq!(
        iamsim(&["validate", "--type", "nonsense", "-"], Some(b"{}"))
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        iamsim(&["simulate", "/no/such/file.json"], None)
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn link_makes_a_fragment_that_decodes_to_the_same_scenario() {
    let out = iamsim(
        &["link", "-", "--base", "https://play.example/#old"],
        Some(ALLOWED.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(0));
    let link = stdout(&out);
    let fragment = link
        .trim()
        .strip_prefix("https://play.example/#")
        .expect("the base without its fragment, then the new fragment");
    let shared = iamsim_core::scenario::share::decode_fragment(fragment).expect("decodes");
    let original = iamsim_core::scenario::read_scenarios(ALLOWED)
        .pop()
        .and_then(Result::ok)
        .expect("scenario");
    assert_eq!(shared.scenario, original);
}

#[test]
fn export_aws_prints_notes_as_comments_then_the_command() {
    let out = iamsim(&["export-aws", "-"], Some(ALLOWED.as_bytes()));
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let first_command_line = text
        .lines()
        .position(|l| l.starts_with("aws iam simulate-custom-policy"))
        .expect("the command");
    assert!(text
        .lines()
        .take(first_command_line)
        .all(|l| l.starts_with("# ")));
    assert!(text.contains("--caller-arn arn:aws:iam::111122223333:user/alice"));
    let bad = iamsim(&["export-aws", "-"], Some(b"{\"request\": 3}"));
    assert_eq!(bad.status.code(), Some(1));
}
