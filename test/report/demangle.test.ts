// Rust v0 symbol demangling, as in the frames of the kernel's Rust code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demangle } from '../../src/report/demangle.js';

test('Rust v0 symbols: crate paths, inherent and trait impls, backrefs', () => {
  assert.equal(demangle('_RNvCscSpY9Juk0HT_7___rustc17rust_begin_unwind'), '__rustc::rust_begin_unwind');
  assert.equal(demangle('_RNvNtCs9jEwPDbx20M_4core9panicking9panic_fmt'), 'core::panicking::panic_fmt');
  assert.equal(
    demangle('_RNvMs3_NtCshgDM7dBCdno_11rust_binder7processNtB5_7Process10update_ref'),
    '<rust_binder::process::Process>::update_ref',
  );
  assert.equal(
    demangle('_RNvXs1_CscPPBqWtAqum_11ashmem_rustNtB5_6AshmemNtNtCs43vyB533jt3_6kernel10miscdevice10MiscDevice4mmap'),
    '<ashmem_rust::Ashmem as kernel::miscdevice::MiscDevice>::mmap',
  );
  assert.equal(demangle('_RINvCs1_3foo3barmRhE'), 'foo::bar::<u32, &u8>');
});

test('C names and malformed symbols come back unchanged', () => {
  for (const s of ['ip6_send_skb', '_R', '_RNv', '_RB9_', '_RNvC3foo99bar', '_RXYZ']) assert.equal(demangle(s), s);
});
