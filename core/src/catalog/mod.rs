//! The AWS service authorization catalog (owner: catalog work).
