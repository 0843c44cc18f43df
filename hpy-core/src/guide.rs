//! The guide: one page per area, with examples that compile (as doc tests, in both backends)
//! and run (the same functions live in the `examples/objects` extension, whose Python tests
//! call them in every test leg; `tests/guide_sync.rs` checks that the code shown here is the
//! code in that crate).
//!
//! * [`handles`]: handles, lifetimes and the context;
//! * [`conversions`]: Rust values to Python objects and back;
//! * [`calling`]: calling Python, attributes, items, iteration, running source;
//! * [`errors`]: raising, catching, chaining, and what universal mode cannot do;
//! * [`threads`]: releasing the interpreter around pure-Rust work;
//! * [`objects`]: the rest of the object API (numbers, strings, bytes, containers, capsules,
//!   context variables, builders);
//! * [`context_coverage`]: every member of the HPy 0.9 context and its safe path.

#[doc = include_str!("../guide/handles.md")]
pub mod handles {}

#[doc = include_str!("../guide/conversions.md")]
pub mod conversions {}

#[doc = include_str!("../guide/calling.md")]
pub mod calling {}

#[doc = include_str!("../guide/errors.md")]
pub mod errors {}

#[doc = include_str!("../guide/threads.md")]
pub mod threads {}

#[doc = include_str!("../guide/objects.md")]
pub mod objects {}

#[doc = include_str!("../guide/context-coverage.md")]
pub mod context_coverage {}
