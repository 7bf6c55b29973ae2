// The service-control mode validate.ts detected, as its ServiceControl implementation.

import { directControl } from './daemons.ts';
import { initScriptControl } from './init-script.ts';
import { systemdControl } from './systemd.ts';
import type { ExecMode, ServiceControl } from './types.ts';

export function controlFor(mode: ExecMode): ServiceControl {
  switch (mode.kind) {
    case 'direct': return directControl;
    case 'init': return initScriptControl(mode.script);
    case 'systemd': return systemdControl(mode);
  }
}
