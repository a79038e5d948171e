//! Catalog-aware policy lints.
