//! Resources and ARNs (M4–M8, E3) and the ARN condition operators' rule (C10).

mod match_helpers;
use iamsim_core::matching::arn::Arn;
use iamsim_core::matching::MatchOptions;
use match_helpers::*;

fn res(pattern: &str, resource: &str) -> bool {
    let s = allow().action(&["*"]).resource(&[pattern]).compile();
    applies(&s, "s3:GetObject", resource, &ctx(&[]))
}

#[test]
fn m5_arn_splits_on_the_first_five_colons() {
    let arn =
        Arn::parse("arn:aws:logs:us-east-1:111122223333:log-group:app:log-stream:x").expect("arn");
    assert_eq!(arn.partition, "aws");
    assert_eq!(arn.service, "logs");
    assert_eq!(arn.region, "us-east-1");
    assert_eq!(arn.account, "111122223333");
    assert_eq!(arn.resource, "log-group:app:log-stream:x");
    assert!(Arn::parse("arn:aws:s3::bucket").is_none());
    assert!(Arn::parse("nra:aws:s3:::bucket").is_none());
}

#[test]
fn m5_star_spans_slash_and_colon_in_resource_part() {
    assert!(res(
        "arn:aws:s3:::bucket/*/test/*",
        "arn:aws:s3:::bucket/1/2/test/3/o.jpg"
    ));
    assert!(!res(
        "arn:aws:s3:::bucket/*/test/*",
        "arn:aws:s3:::bucket/test/o.jpg"
    ));
    assert!(res("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b/c"));
}

#[test]
fn m5_segments_match_one_by_one() {
    assert!(res(
        "arn:aws:ec2:*:111122223333:instance/*",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-1"
    ));
    assert!(!res(
        "arn:aws:ec2:*:111122223333:instance/*",
        "arn:aws:ec2:us-east-1:999999999999:instance/i-1"
    ));
    assert!(res(
        "arn:aws:ec2:us-east-?:*:instance/*",
        "arn:aws:ec2:us-east-2:1:instance/i-1"
    ));
    assert!(!res(
        "arn:aws:ec2:us-east-?:*:instance/*",
        "arn:aws:ec2:us-west-2:1:instance/i-1"
    ));
    assert!(!res("arn:aws:s3:::bucket", "arn:aws:s3:::bucket/key"));
}

#[test]
fn m6_short_pattern_trailing_star_covers_the_remaining_segments() {
    assert!(res(
        "arn:aws:ec2:*",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-1"
    ));
    assert!(res(
        "arn:aws:ec2:us-*",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-1"
    ));
    assert!(!res("arn:aws:ec2:*", "arn:aws:s3:::bucket"));
    assert!(!res(
        "arn:aws:ec2:eu-*",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-1"
    ));
    // Without a trailing star a short pattern is just wrong.
    assert!(!res(
        "arn:aws:ec2",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-1"
    ));
}

#[test]
fn m6_segment_final_star_matches_beyond_colon() {
    let p = "arn:aws:logs:us-east-1:111122223333:log-group:app*";
    assert!(res(
        p,
        "arn:aws:logs:us-east-1:111122223333:log-group:app-1:log-stream:x"
    ));
    assert!(!res(
        p,
        "arn:aws:logs:us-east-1:111122223333:log-group:web-1:log-stream:x"
    ));
}

#[test]
fn m4_star_matches_everything_and_is_the_only_match_for_resource_star() {
    assert!(res("*", "arn:aws:s3:::bucket"));
    assert!(res("*", "*"));
    assert!(!res("arn:aws:ecr:*", "*"));
    assert!(!res("arn:*", "*"));
    assert!(!res("arn:aws:ecr:us-east-1:111122223333:repository/*", "*"));
}

#[test]
fn m7_resource_part_is_case_sensitive() {
    assert!(res(
        "arn:aws:iam::111122223333:user/Bob",
        "arn:aws:iam::111122223333:user/Bob"
    ));
    assert!(!res(
        "arn:aws:iam::111122223333:user/Bob",
        "arn:aws:iam::111122223333:user/bob"
    ));
    assert!(!res("arn:aws:s3:::bucket/Key", "arn:aws:s3:::bucket/key"));
}

#[test]
fn m7_partition_service_region_account_are_case_insensitive() {
    assert!(res("ARN:AWS:S3:::bucket/key", "arn:aws:s3:::bucket/key"));
    assert!(res(
        "arn:aws:ec2:US-EAST-1:111122223333:instance/i-1",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-1"
    ));
}

#[test]
fn m8_not_resource_matches_when_no_listed_resource_matches() {
    let s = allow()
        .action(&["s3:*"])
        .not_resource(&["arn:aws:s3:::secret", "arn:aws:s3:::secret/*"])
        .compile();
    let c = ctx(&[]);
    assert!(applies(&s, "s3:GetObject", "arn:aws:s3:::public/x", &c));
    assert!(
        applies(&s, "s3:ListAllMyBuckets", "*", &c),
        "NotResource covers a request resource `*` too"
    );
    assert!(!applies(&s, "s3:GetObject", "arn:aws:s3:::secret/x", &c));
    assert!(!applies(&s, "s3:ListBucket", "arn:aws:s3:::secret", &c));
}

#[test]
fn e3_implicit_resource_when_the_policy_type_has_none() {
    let s = allow()
        .principal(&["*"])
        .action(&["ecr:BatchGetImage"])
        .compile();
    let c = ctx(&[]);
    let p = principal(USER);
    let repo = "arn:aws:ecr:us-east-1:111122223333:repository/web";
    let implied = MatchOptions {
        check_principal: true,
        implicit_resource: true,
        ..Default::default()
    };
    assert!(applies_with(&s, &p, "ecr:BatchGetImage", repo, &c, implied));
    let plain = MatchOptions {
        check_principal: true,
        ..Default::default()
    };
    assert!(
        !applies_with(&s, &p, "ecr:BatchGetImage", repo, &c, plain),
        "no Resource and none implied: fail closed"
    );
}

fn arn_like(pattern: &str, value: &str) -> bool {
    let s = allow()
        .action(&["*"])
        .resource(&["*"])
        .cond("ArnLike", "aws:SourceArn", &[pattern])
        .compile();
    applies(
        &s,
        "s3:GetObject",
        "*",
        &ctx(&[("aws:SourceArn", V::S(value))]),
    )
}

fn string_like(pattern: &str, value: &str) -> bool {
    let s = allow()
        .action(&["*"])
        .resource(&["*"])
        .cond("StringLike", "aws:SourceArn", &[pattern])
        .compile();
    applies(
        &s,
        "s3:GetObject",
        "*",
        &ctx(&[("aws:SourceArn", V::S(value))]),
    )
}

#[test]
fn c10_arn_like_star_does_not_cross_colon_but_string_like_does() {
    let p = "arn:aws:someservice:*:111122223333:finance/*";
    let v =
        "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
    assert!(string_like(p, v));
    assert!(!arn_like(p, v));
    assert!(arn_like("arn:aws:*:*:*:*", "arn:aws:s3:::bucket"));
    assert!(
        !arn_like("arn:aws:*", "arn:aws:s3:::bucket"),
        "ArnLike has no short form: six components"
    );
}

#[test]
fn c10_components_are_compared_separately_and_case_sensitively() {
    assert!(arn_like(
        "arn:aws:codebuild:us-east-1:111122223333:project/*",
        "arn:aws:codebuild:us-east-1:111122223333:project/web"
    ));
    assert!(!arn_like(
        "arn:aws:codebuild:us-east-1:111122223333:project/*",
        "arn:aws:codebuild:us-east-1:111122223333:Project/web"
    ));
    assert!(
        arn_like("arn:aws:s3:::b/*", "arn:aws:s3:::b/x:y"),
        "the resource component is one component"
    );
}

#[test]
fn c10_arn_equals_is_arn_like() {
    let s = allow()
        .action(&["*"])
        .resource(&["*"])
        .cond(
            "ArnEquals",
            "aws:SourceArn",
            &["arn:aws:sns:*:111122223333:topic-?"],
        )
        .compile();
    assert!(applies(
        &s,
        "x:Y",
        "*",
        &ctx(&[(
            "aws:SourceArn",
            V::S("arn:aws:sns:us-east-1:111122223333:topic-1")
        )])
    ));
}

#[test]
fn c10_malformed_arn_matches_neither_arn_like_nor_arn_not_like() {
    let c = ctx(&[("aws:SourceArn", V::S("not-an-arn"))]);
    let like = allow()
        .action(&["*"])
        .resource(&["*"])
        .cond("ArnLike", "aws:SourceArn", &["arn:*:*:*:*:*"])
        .compile();
    let not_like = allow()
        .action(&["*"])
        .resource(&["*"])
        .cond("ArnNotLike", "aws:SourceArn", &["arn:aws:s3:::x"])
        .compile();
    assert!(!applies(&like, "x:Y", "*", &c));
    assert!(!applies(&not_like, "x:Y", "*", &c));
    let c = ctx(&[("aws:SourceArn", V::S("arn:aws:s3:::y"))]);
    assert!(applies(&not_like, "x:Y", "*", &c));
}
