//! Catalog costs: the first use (the service index), the first lookup of a service (reading its
//! records), reading every service, and the lookups the evaluator and linter make per request.
//! `cargo bench -p iamsim-core --bench catalog`

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use iamsim_core::catalog::{catalog, parse_embedded};
use std::hint::black_box;

fn parse(c: &mut Criterion) {
    c.bench_function("catalog/parse (first use)", |b| {
        b.iter(|| black_box(parse_embedded()))
    });
    c.bench_function("catalog/first lookup of a service (ecr)", |b| {
        b.iter_batched(
            parse_embedded,
            |cat| black_box(cat.action(black_box("ecr:PutImage")).map(|a| a.id())),
            BatchSize::SmallInput,
        )
    });
    c.bench_function("catalog/first lookup of a large service (ec2)", |b| {
        b.iter_batched(
            parse_embedded,
            |cat| {
                black_box(
                    cat.action(black_box("ec2:DescribeInstances"))
                        .map(|a| a.id()),
                )
            },
            BatchSize::SmallInput,
        )
    });
    c.bench_function("catalog/reading every service (action_count)", |b| {
        b.iter_batched(
            parse_embedded,
            |cat| black_box(cat.action_count()),
            BatchSize::SmallInput,
        )
    });
}

fn lookups(c: &mut Criterion) {
    let cat = catalog();
    c.bench_function("catalog/action lookup", |b| {
        b.iter(|| black_box(cat.action(black_box("ECR:GetAuthorizationToken"))))
    });
    c.bench_function("catalog/action lookup (ec2, large service)", |b| {
        b.iter(|| black_box(cat.action(black_box("ec2:DescribeInstances"))))
    });
    c.bench_function("catalog/accepts_only_star", |b| {
        b.iter(|| {
            black_box(
                cat.action(black_box("ecr:PutImage"))
                    .map(|a| a.accepts_only_star()),
            )
        })
    });
    c.bench_function("catalog/condition key type (global)", |b| {
        b.iter(|| black_box(cat.condition_key_type(black_box("aws:SourceIp"))))
    });
    c.bench_function("catalog/condition key type (service tag template)", |b| {
        b.iter(|| black_box(cat.condition_key_type(black_box("ecr:ResourceTag/env"))))
    });
    c.bench_function("catalog/expand ecr:Get*", |b| {
        b.iter(|| black_box(cat.expand(black_box("ecr:Get*"))))
    });
    c.bench_function("catalog/expand *:Describe*", |b| {
        b.iter(|| black_box(cat.expand(black_box("*:Describe*"))))
    });
    c.bench_function("catalog/resource types for an ARN", |b| {
        b.iter(|| {
            black_box(
                cat.resource_types_for_arn(black_box("arn:aws:ecr:us-east-1:1:repository/web")),
            )
        })
    });
    c.bench_function("catalog/did you mean", |b| {
        b.iter(|| black_box(cat.suggest_action(black_box("ecr:GetAuthorisationToken"))))
    });
}

criterion_group!(benches, parse, lookups);
criterion_main!(benches);
