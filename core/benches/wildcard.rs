//! Wildcard matching on adversarial inputs (M2): must stay linear.

use criterion::{criterion_group, criterion_main, Criterion};
use iamsim_core::matching::wildcard::Pattern;
use std::hint::black_box;

fn wildcard(c: &mut Criterion) {
    // `*a*a*a…*b` (10 KB) against `aaaa…` (10 KB).
    let many_stars = Pattern::new(&format!("{}*b", "*a".repeat(5_000)), false);
    let text_a = "a".repeat(10_000);
    c.bench_function("10KB *a*a…*b vs 10KB a…a", |b| {
        b.iter(|| black_box(&many_stars).matches(black_box(&text_a)))
    });

    // `*aaaa…aab*` (10 KB segment) against `aaaa…` (10 KB).
    let long_segment = Pattern::new(&format!("*{}b*", "a".repeat(9_998)), false);
    c.bench_function("10KB *aaa…ab* vs 10KB a…a", |b| {
        b.iter(|| black_box(&long_segment).matches(black_box(&text_a)))
    });

    // A `?` segment of 60 characters (Shift-And, one machine word).
    let question = Pattern::new(&format!("*{}b*", "a?".repeat(30)), false);
    c.bench_function("*a?a?…b* (60) vs 10KB a…a", |b| {
        b.iter(|| black_box(&question).matches(black_box(&text_a)))
    });

    // The everyday case: an action pattern.
    let action = Pattern::new("s3:get*", true);
    c.bench_function("s3:get* vs s3:GetObject", |b| {
        b.iter(|| black_box(&action).matches(black_box("s3:GetObject")))
    });
    let resource = Pattern::new("bucket/*/test/*", false);
    c.bench_function("bucket/*/test/* vs object key", |b| {
        b.iter(|| black_box(&resource).matches(black_box("bucket/1/2/test/3/o.jpg")))
    });
}

criterion_group!(benches, wildcard);
criterion_main!(benches);
