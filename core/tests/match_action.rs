//! Actions (M1–M3).

mod match_helpers;
use match_helpers::*;

#[test]
fn m1_actions_compare_case_insensitively() {
    let s = allow()
        .action(&["iam:ListAccessKeys"])
        .resource(&["*"])
        .compile();
    let c = ctx(&[]);
    assert!(applies(&s, "IAM:listaccesskeys", "*", &c));
    assert!(!applies(&s, "iam:ListAccessKey", "*", &c));
    let s = allow().action(&["IAM:LIST*"]).resource(&["*"]).compile();
    assert!(applies(&s, "iam:ListUsers", "*", &c));
}

#[test]
fn m2_action_wildcards() {
    let c = ctx(&[]);
    let s = allow().action(&["s3:Get*"]).resource(&["*"]).compile();
    assert!(applies(&s, "s3:GetObject", "*", &c));
    assert!(!applies(&s, "s3:PutObject", "*", &c));
    assert!(!applies(&s, "ec2:GetConsoleOutput", "*", &c));
    let s = allow().action(&["*"]).resource(&["*"]).compile();
    assert!(applies(&s, "anything:AtAll", "*", &c));
    let s = allow()
        .action(&["ec2:*Instances"])
        .resource(&["*"])
        .compile();
    assert!(applies(&s, "ec2:DescribeInstances", "*", &c));
    let s = allow().action(&["s3:?etObject"]).resource(&["*"]).compile();
    assert!(applies(&s, "s3:GetObject", "*", &c));
    assert!(!applies(&s, "s3:GGetObject", "*", &c));
}

#[test]
fn m2_any_listed_action_suffices() {
    let s = allow()
        .action(&["s3:GetObject", "s3:PutObject"])
        .resource(&["*"])
        .compile();
    let c = ctx(&[]);
    assert!(applies(&s, "s3:PutObject", "*", &c));
    assert!(!applies(&s, "s3:DeleteObject", "*", &c));
}

#[test]
fn m3_not_action_matches_every_other_action_of_every_service() {
    let s = allow().not_action(&["iam:*"]).resource(&["*"]).compile();
    let c = ctx(&[]);
    assert!(applies(&s, "s3:GetObject", "*", &c));
    assert!(applies(&s, "ec2:RunInstances", "*", &c));
    assert!(!applies(&s, "IAM:CreateUser", "*", &c));
}

#[test]
fn m3_not_action_with_deny_denies_everything_else() {
    let s = deny()
        .not_action(&["s3:GetObject", "s3:ListBucket"])
        .resource(&["*"])
        .compile();
    let c = ctx(&[]);
    assert!(applies(&s, "s3:PutObject", "*", &c));
    assert!(!applies(&s, "s3:getobject", "*", &c));
}
