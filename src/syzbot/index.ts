// The syzbot stage: what syzkaller needs from a kernel config (checked against the flavour stage's `syzbot`
// profile), and a syz-manager config for a built kernel. `kdk syzbot` is a thin command over this API.
export {
  checkSyzbotConfig,
  checkSyzbotConfigFile,
  configKernelVersion,
  type SyzbotCheck,
  type SyzbotCheckItem,
} from './check.js';
export { managerConfig, ManagerConfig, QemuVmConfig, type ManagerConfigRequest } from './manager-config.js';
