// A fake rack PDU: a real SNMP agent (net-snmp's agent) on 127.0.0.1 serving
//  - APC PowerNet-MIB rPDU2DeviceStatusEntry (.1.3.6.1.4.1.318.1.1.26.4.3.1),
//    column 5 rPDU2DeviceStatusPower (0.01 kW) and 9 rPDU2DeviceStatusEnergy
//    (0.1 kWh), INTEGER, indexed by rPDU2DeviceStatusIndex;
//  - Raritan PDU2-MIB measurementsInletSensorEntry (.1.3.6.1.4.1.13742.6.5.2.3.1)
//    column 4 measurementsInletSensorValue and inletSensorConfigurationEntry
//    (.1.3.6.1.4.1.13742.6.3.3.4.1) column 7 inletSensorDecimalDigits, both
//    Unsigned32, indexed by pduId.inletId.sensorType (5 activePower, 8 activeEnergy).
// v2c communities and v3 users are checked by the agent itself; "hang" makes
// it swallow requests.
import dgram from 'node:dgram';
import { once } from 'node:events';
import { createRequire } from 'node:module';

// net-snmp has no types; the fake only needs these.
const snmp = createRequire(import.meta.url)('net-snmp') as {
  createAgent(opts: Record<string, unknown>, cb: (err: Error | null) => void): SnmpAgent;
  ObjectType: Record<string, number>;
  MibProviderType: Record<string, number>;
  MaxAccess: Record<string, number>;
  SecurityLevel: Record<string, number>;
  AuthProtocols: Record<string, number>;
  PrivProtocols: Record<string, number>;
};
interface Mib {
  registerProvider(p: Record<string, unknown>): void;
  addTableRow(name: string, row: number[]): void;
  setTableSingleCell(name: string, column: number, index: number | number[], value: number): void;
}
interface SnmpAgent {
  getMib(): Mib;
  getAuthorizer(): { addCommunity(c: string): void; addUser(u: Record<string, unknown>): void };
  close(cb?: () => void): void;
}

export interface PduFakeOptions {
  community?: string;
  /** SNMPv3 user with SHA auth and AES privacy. */
  v3?: { user: string; authKey: string; privKey: string };
}

const RO = () => snmp.MaxAccess['read-only'];
const NA = () => snmp.MaxAccess['not-accessible'];

export class PduFake {
  /** When true, requests get no answer (a PDU whose SNMP daemon is wedged). */
  hang = false;
  requests = 0;
  port = 0;
  private agent: SnmpAgent | undefined;

  static async start(opts: PduFakeOptions = {}): Promise<PduFake> {
    const f = new PduFake();
    let socket: dgram.Socket | undefined;
    // net-snmp turns port 0 into 161; hand it a dgram whose bind takes any free port.
    const loopbackDgram = {
      createSocket(type: dgram.SocketType) {
        const s = dgram.createSocket(type);
        const bind = s.bind.bind(s);
        s.bind = ((..._args: unknown[]) => bind(0, '127.0.0.1')) as typeof s.bind;
        socket = s;
        return s;
      },
    };
    f.agent = snmp.createAgent({ port: 1161, address: '127.0.0.1', dgramModule: loopbackDgram }, () => {});
    await once(socket!, 'listening');
    f.port = socket!.address().port;
    const auth = f.agent.getAuthorizer();
    auth.addCommunity(opts.community ?? 'public');
    if (opts.v3) {
      auth.addUser({ name: opts.v3.user, level: snmp.SecurityLevel.authPriv, authProtocol: snmp.AuthProtocols.sha, authKey: opts.v3.authKey, privProtocol: snmp.PrivProtocols.aes, privKey: opts.v3.privKey });
    }
    f.registerTables();
    return f;
  }

  /** APC device row `index`: power in watts (stored as 0.01 kW), energy in 0.1 kWh units. */
  setApc(index: number, watts: number, tenthsKwh: number): void {
    const mib = this.agent!.getMib();
    mib.setTableSingleCell('rPDU2DeviceStatusTable', 5, [index], Math.round(watts / 10));
    mib.setTableSingleCell('rPDU2DeviceStatusTable', 9, [index], tenthsKwh);
  }

  /** Raritan inlet pdu.inlet: raw sensor values and their decimal digits. */
  setRaritan(pdu: number, inlet: number, s: { power: number; powerDigits: number; energy: number; energyDigits: number }): void {
    const mib = this.agent!.getMib();
    mib.setTableSingleCell('measurementsInletSensorTable', 4, [pdu, inlet, 5], s.power);
    mib.setTableSingleCell('measurementsInletSensorTable', 4, [pdu, inlet, 8], s.energy);
    mib.setTableSingleCell('inletSensorConfigurationTable', 7, [pdu, inlet, 5], s.powerDigits);
    mib.setTableSingleCell('inletSensorConfigurationTable', 7, [pdu, inlet, 8], s.energyDigits);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.agent!.close(() => resolve()));
  }

  private registerTables(): void {
    const mib = this.agent!.getMib();
    // Requests that should hang never call done(): the agent then never answers.
    const handler = (req: { done(): void }) => {
      this.requests++;
      if (!this.hang) req.done();
    };
    const I = snmp.ObjectType.Integer;
    const U = snmp.ObjectType.Unsigned32;
    mib.registerProvider({
      name: 'rPDU2DeviceStatusTable',
      type: snmp.MibProviderType.Table,
      oid: '1.3.6.1.4.1.318.1.1.26.4.3.1',
      maxAccess: NA(),
      tableColumns: [
        { number: 1, name: 'rPDU2DeviceStatusIndex', type: I, maxAccess: RO() },
        { number: 5, name: 'rPDU2DeviceStatusPower', type: I, maxAccess: RO() },
        { number: 9, name: 'rPDU2DeviceStatusEnergy', type: I, maxAccess: RO() },
      ],
      tableIndex: [{ columnName: 'rPDU2DeviceStatusIndex' }],
      handler,
    });
    mib.addTableRow('rPDU2DeviceStatusTable', [1, 0, 0]);
    // pduId and inletId live in other PDU2-MIB tables; local not-accessible
    // columns give the same three-part row index.
    const inletIndexColumns = [
      { number: 101, name: 'pduId', type: I, maxAccess: NA() },
      { number: 102, name: 'inletId', type: I, maxAccess: NA() },
      { number: 1, name: 'sensorType', type: I, maxAccess: NA() },
    ];
    const inletIndex = [{ columnName: 'pduId' }, { columnName: 'inletId' }, { columnName: 'sensorType' }];
    mib.registerProvider({
      name: 'measurementsInletSensorTable',
      type: snmp.MibProviderType.Table,
      oid: '1.3.6.1.4.1.13742.6.5.2.3.1',
      maxAccess: NA(),
      tableColumns: [...inletIndexColumns, { number: 4, name: 'measurementsInletSensorValue', type: U, maxAccess: RO() }],
      tableIndex: inletIndex,
      handler,
    });
    mib.registerProvider({
      name: 'inletSensorConfigurationTable',
      type: snmp.MibProviderType.Table,
      oid: '1.3.6.1.4.1.13742.6.3.3.4.1',
      maxAccess: NA(),
      tableColumns: [...inletIndexColumns, { number: 7, name: 'inletSensorDecimalDigits', type: U, maxAccess: RO() }],
      tableIndex: inletIndex,
      handler,
    });
    for (const type of [5, 8]) {
      mib.addTableRow('measurementsInletSensorTable', [1, 1, type, 0]);
      mib.addTableRow('inletSensorConfigurationTable', [1, 1, type, 0]);
    }
  }
}
