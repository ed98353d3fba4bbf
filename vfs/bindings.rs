// SPDX-License-Identifier: GPL-2.0

//! Raw bindings: everything of `kernel::bindings`, plus the module-local items
//! bindgen generates from `bindings_helper.h` (see `bindgen_allowlist`). A local
//! item shadows an opaque one of the same name from `kernel::bindings`.

#![allow(
    dead_code,
    non_camel_case_types,
    non_upper_case_globals,
    non_snake_case,
    unreachable_pub,
    unsafe_op_in_unsafe_fn,
    unknown_lints,
    unnecessary_transmutes,
    improper_ctypes,
    clippy::all,
    clippy::undocumented_unsafe_blocks,
    clippy::ptr_as_ptr,
    clippy::ref_as_ptr,
    clippy::cast_lossless,
    clippy::missing_safety_doc
)]

pub(crate) use kernel::bindings::*;
use kernel::ffi;

include!("bindings_generated.rs");
