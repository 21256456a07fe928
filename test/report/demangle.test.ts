// Symbol demangling: Rust v0, as in the frames of the kernel's Rust code, and C++ (Itanium), checked against
// c++filt on the symbols of the machine's libstdc++.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { demangle } from '../../src/report/demangle.js';
import { which } from '../../src/util/proc.js';
import { skipIf } from '../helpers.js';

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

const cxxfilt = which('c++filt') ? undefined : 'c++filt is missing (apt-get install -y binutils)';
const libstdcxx = '/usr/lib/x86_64-linux-gnu/libstdc++.so.6';

test(
  'C++ symbols: the names c++filt -p gives for every symbol libstdc++ exports, or unchanged',
  {
    skip: skipIf(cxxfilt ?? (existsSync(libstdcxx) ? undefined : `${libstdcxx} is missing`)),
  },
  () => {
    const nm = execFileSync('nm', ['-D', '--defined-only', libstdcxx], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const syms = [...new Set(nm.split('\n').map((l) => l.split(' ')[2]?.replace(/@.*/, '') ?? ''))].filter((s) =>
      s.startsWith('_Z'),
    );
    const want = execFileSync('c++filt', ['-p'], { input: syms.join('\n') + '\n', encoding: 'utf8' }).split('\n');
    let same = 0;
    const wrong: string[] = [];
    syms.forEach((s, i) => {
      const got = demangle(s);
      if (got === want[i]) same++;
      else if (got !== s) wrong.push(`${s}: ${got} (c++filt: ${want[i]})`);
    });
    console.log(
      `libstdc++: ${syms.length} symbols, ${same} as c++filt -p names them, ${syms.length - same - wrong.length} left as they are`,
    );
    assert.ok(syms.length > 3000);
    assert.deepEqual(wrong.slice(0, 10), [], 'a name that differs from c++filt is wrong');
    assert.ok(same / syms.length > 0.95, `${same}/${syms.length}`);
  },
);

test('C++ symbols: templates, constructors, operators, local names and special names', () => {
  const cases: [string, string][] = [
    ['_ZN6binder7Process10update_refEv', 'binder::Process::update_ref'],
    ['_ZNSaIcEC1ERKS_', 'std::allocator<char>::allocator'],
    ['_ZStlsISt11char_traitsIcEERSt13basic_ostreamIcT_ES5_PKc', 'std::operator<< <std::char_traits<char> >'],
    ['_ZZN3foo3barEvE5count', 'foo::bar()::count'],
    ['_ZTV3Foo', 'vtable for Foo'],
    ['_ZN3FooD2Ev', 'Foo::~Foo'],
    ['_Z3maxIiET_S0_S0_', 'max<int>'],
  ];
  for (const [m, d] of cases) assert.equal(demangle(m), d, m);
  for (const s of ['_Z', '_Z3fo', '_ZNK', '_ZN3foo3barIiE']) assert.equal(demangle(s), s);
});
