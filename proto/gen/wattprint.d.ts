import * as $protobuf from "protobufjs";
import Long = require("long");

/** Namespace wattprint. */
export namespace wattprint {

    /** Namespace v1. */
    namespace v1 {

        /** Domain enum. */
        enum Domain {

            /** DOMAIN_UNSPECIFIED value */
            DOMAIN_UNSPECIFIED = 0,

            /** DOMAIN_PACKAGE value */
            DOMAIN_PACKAGE = 1,

            /** DOMAIN_CORE value */
            DOMAIN_CORE = 2,

            /** DOMAIN_UNCORE value */
            DOMAIN_UNCORE = 3,

            /** DOMAIN_DRAM value */
            DOMAIN_DRAM = 4,

            /** DOMAIN_PSYS value */
            DOMAIN_PSYS = 5,

            /** DOMAIN_GPU value */
            DOMAIN_GPU = 6,

            /** DOMAIN_WALL value */
            DOMAIN_WALL = 7
        }

        /** Source enum. */
        enum Source {

            /** SOURCE_UNSPECIFIED value */
            SOURCE_UNSPECIFIED = 0,

            /** SOURCE_RAPL value */
            SOURCE_RAPL = 1,

            /** SOURCE_NVML value */
            SOURCE_NVML = 2,

            /** SOURCE_NVIDIA_SMI value */
            SOURCE_NVIDIA_SMI = 3,

            /** SOURCE_IPMI value */
            SOURCE_IPMI = 4,

            /** SOURCE_REDFISH value */
            SOURCE_REDFISH = 5,

            /** SOURCE_SNMP value */
            SOURCE_SNMP = 6,

            /** SOURCE_SHELLY value */
            SOURCE_SHELLY = 7,

            /** SOURCE_TASMOTA value */
            SOURCE_TASMOTA = 8,

            /** SOURCE_COMMAND value */
            SOURCE_COMMAND = 9,

            /** SOURCE_MODEL value */
            SOURCE_MODEL = 10
        }

        /** Quality enum. */
        enum Quality {

            /** QUALITY_UNSPECIFIED value */
            QUALITY_UNSPECIFIED = 0,

            /** QUALITY_COUNTER value */
            QUALITY_COUNTER = 1,

            /** QUALITY_INTEGRATED_POWER value */
            QUALITY_INTEGRATED_POWER = 2,

            /** QUALITY_ESTIMATE value */
            QUALITY_ESTIMATE = 3
        }

        /**
         * Properties of an EnergyReading.
         * @deprecated Use wattprint.v1.EnergyReading.$Properties instead.
         */
        interface IEnergyReading extends wattprint.v1.EnergyReading.$Properties {
        }

        /** Represents an EnergyReading. */
        class EnergyReading {

            /**
             * Constructs a new EnergyReading.
             * @param [p] Properties to set
             */
            constructor(p?: wattprint.v1.EnergyReading.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** EnergyReading domain. */
            domain: wattprint.v1.Domain;

            /** EnergyReading device. */
            device: string;

            /** EnergyReading source. */
            source: wattprint.v1.Source;

            /** EnergyReading quality. */
            quality: wattprint.v1.Quality;

            /** EnergyReading joules. */
            joules: number;

            /** EnergyReading flags. */
            flags: string[];

            /** EnergyReading spanStartUs. */
            spanStartUs: number;

            /**
             * Creates a new EnergyReading instance using the specified properties.
             * @param [properties] Properties to set
             * @returns EnergyReading instance
             */
            static create(properties: wattprint.v1.EnergyReading.$Shape): wattprint.v1.EnergyReading & wattprint.v1.EnergyReading.$Shape;
            static create(properties?: wattprint.v1.EnergyReading.$Properties): wattprint.v1.EnergyReading;

            /**
             * Encodes the specified EnergyReading message. Does not implicitly {@link wattprint.v1.EnergyReading.verify|verify} messages.
             * @param m EnergyReading message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: wattprint.v1.EnergyReading.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an EnergyReading message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {wattprint.v1.EnergyReading & wattprint.v1.EnergyReading.$Shape} EnergyReading
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): wattprint.v1.EnergyReading & wattprint.v1.EnergyReading.$Shape;

            /**
             * Creates an EnergyReading message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns EnergyReading
             */
            static fromObject(d: { [k: string]: any }): wattprint.v1.EnergyReading;

            /**
             * Creates a plain object from an EnergyReading message. Also converts values to other types if specified.
             * @param m EnergyReading
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: wattprint.v1.EnergyReading, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this EnergyReading to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for EnergyReading
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace EnergyReading {

            /** Properties of an EnergyReading. */
            interface $Properties {

                /** EnergyReading domain */
                domain?: (wattprint.v1.Domain|null);

                /** EnergyReading device */
                device?: (string|null);

                /** EnergyReading source */
                source?: (wattprint.v1.Source|null);

                /** EnergyReading quality */
                quality?: (wattprint.v1.Quality|null);

                /** EnergyReading joules */
                joules?: (number|null);

                /** EnergyReading flags */
                flags?: (string[]|null);

                /** EnergyReading spanStartUs */
                spanStartUs?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an EnergyReading. */
            type $Shape = wattprint.v1.EnergyReading.$Properties;
        }

        /**
         * Properties of a ProcessUsage.
         * @deprecated Use wattprint.v1.ProcessUsage.$Properties instead.
         */
        interface IProcessUsage extends wattprint.v1.ProcessUsage.$Properties {
        }

        /** Represents a ProcessUsage. */
        class ProcessUsage {

            /**
             * Constructs a new ProcessUsage.
             * @param [p] Properties to set
             */
            constructor(p?: wattprint.v1.ProcessUsage.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ProcessUsage pid. */
            pid: number;

            /** ProcessUsage startTimeUs. */
            startTimeUs: number;

            /** ProcessUsage ppid. */
            ppid: number;

            /** ProcessUsage uid. */
            uid: number;

            /** ProcessUsage command. */
            command: string;

            /** ProcessUsage cgroup. */
            cgroup: string;

            /** ProcessUsage jobId. */
            jobId: string;

            /** ProcessUsage labels. */
            labels: { [k: string]: string };

            /** ProcessUsage cpuSeconds. */
            cpuSeconds: number;

            /** ProcessUsage rssBytes. */
            rssBytes: number;

            /** ProcessUsage jobSource. */
            jobSource: string;

            /** ProcessUsage started. */
            started: boolean;

            /** ProcessUsage exited. */
            exited: boolean;

            /**
             * Creates a new ProcessUsage instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ProcessUsage instance
             */
            static create(properties: wattprint.v1.ProcessUsage.$Shape): wattprint.v1.ProcessUsage & wattprint.v1.ProcessUsage.$Shape;
            static create(properties?: wattprint.v1.ProcessUsage.$Properties): wattprint.v1.ProcessUsage;

            /**
             * Encodes the specified ProcessUsage message. Does not implicitly {@link wattprint.v1.ProcessUsage.verify|verify} messages.
             * @param m ProcessUsage message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: wattprint.v1.ProcessUsage.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ProcessUsage message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {wattprint.v1.ProcessUsage & wattprint.v1.ProcessUsage.$Shape} ProcessUsage
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): wattprint.v1.ProcessUsage & wattprint.v1.ProcessUsage.$Shape;

            /**
             * Creates a ProcessUsage message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns ProcessUsage
             */
            static fromObject(d: { [k: string]: any }): wattprint.v1.ProcessUsage;

            /**
             * Creates a plain object from a ProcessUsage message. Also converts values to other types if specified.
             * @param m ProcessUsage
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: wattprint.v1.ProcessUsage, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this ProcessUsage to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for ProcessUsage
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ProcessUsage {

            /** Properties of a ProcessUsage. */
            interface $Properties {

                /** ProcessUsage pid */
                pid?: (number|null);

                /** ProcessUsage startTimeUs */
                startTimeUs?: (number|null);

                /** ProcessUsage ppid */
                ppid?: (number|null);

                /** ProcessUsage uid */
                uid?: (number|null);

                /** ProcessUsage command */
                command?: (string|null);

                /** ProcessUsage cgroup */
                cgroup?: (string|null);

                /** ProcessUsage jobId */
                jobId?: (string|null);

                /** ProcessUsage labels */
                labels?: ({ [k: string]: string }|null);

                /** ProcessUsage cpuSeconds */
                cpuSeconds?: (number|null);

                /** ProcessUsage rssBytes */
                rssBytes?: (number|null);

                /** ProcessUsage jobSource */
                jobSource?: (string|null);

                /** ProcessUsage started */
                started?: (boolean|null);

                /** ProcessUsage exited */
                exited?: (boolean|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ProcessUsage. */
            type $Shape = wattprint.v1.ProcessUsage.$Properties;
        }

        /**
         * Properties of a GpuProcessUsage.
         * @deprecated Use wattprint.v1.GpuProcessUsage.$Properties instead.
         */
        interface IGpuProcessUsage extends wattprint.v1.GpuProcessUsage.$Properties {
        }

        /** Represents a GpuProcessUsage. */
        class GpuProcessUsage {

            /**
             * Constructs a new GpuProcessUsage.
             * @param [p] Properties to set
             */
            constructor(p?: wattprint.v1.GpuProcessUsage.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** GpuProcessUsage gpuUuid. */
            gpuUuid: string;

            /** GpuProcessUsage pid. */
            pid: number;

            /** GpuProcessUsage smUtil. */
            smUtil: number;

            /** GpuProcessUsage memUtil. */
            memUtil: number;

            /** GpuProcessUsage sampleCount. */
            sampleCount: number;

            /** GpuProcessUsage gpuMemoryBytes. */
            gpuMemoryBytes: number;

            /** GpuProcessUsage gpuInstanceId. */
            gpuInstanceId: number;

            /** GpuProcessUsage computeInstanceId. */
            computeInstanceId: number;

            /**
             * Creates a new GpuProcessUsage instance using the specified properties.
             * @param [properties] Properties to set
             * @returns GpuProcessUsage instance
             */
            static create(properties: wattprint.v1.GpuProcessUsage.$Shape): wattprint.v1.GpuProcessUsage & wattprint.v1.GpuProcessUsage.$Shape;
            static create(properties?: wattprint.v1.GpuProcessUsage.$Properties): wattprint.v1.GpuProcessUsage;

            /**
             * Encodes the specified GpuProcessUsage message. Does not implicitly {@link wattprint.v1.GpuProcessUsage.verify|verify} messages.
             * @param m GpuProcessUsage message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: wattprint.v1.GpuProcessUsage.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a GpuProcessUsage message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {wattprint.v1.GpuProcessUsage & wattprint.v1.GpuProcessUsage.$Shape} GpuProcessUsage
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): wattprint.v1.GpuProcessUsage & wattprint.v1.GpuProcessUsage.$Shape;

            /**
             * Creates a GpuProcessUsage message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns GpuProcessUsage
             */
            static fromObject(d: { [k: string]: any }): wattprint.v1.GpuProcessUsage;

            /**
             * Creates a plain object from a GpuProcessUsage message. Also converts values to other types if specified.
             * @param m GpuProcessUsage
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: wattprint.v1.GpuProcessUsage, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this GpuProcessUsage to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for GpuProcessUsage
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace GpuProcessUsage {

            /** Properties of a GpuProcessUsage. */
            interface $Properties {

                /** GpuProcessUsage gpuUuid */
                gpuUuid?: (string|null);

                /** GpuProcessUsage pid */
                pid?: (number|null);

                /** GpuProcessUsage smUtil */
                smUtil?: (number|null);

                /** GpuProcessUsage memUtil */
                memUtil?: (number|null);

                /** GpuProcessUsage sampleCount */
                sampleCount?: (number|null);

                /** GpuProcessUsage gpuMemoryBytes */
                gpuMemoryBytes?: (number|null);

                /** GpuProcessUsage gpuInstanceId */
                gpuInstanceId?: (number|null);

                /** GpuProcessUsage computeInstanceId */
                computeInstanceId?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a GpuProcessUsage. */
            type $Shape = wattprint.v1.GpuProcessUsage.$Properties;
        }

        /**
         * Properties of a JobProgress.
         * @deprecated Use wattprint.v1.JobProgress.$Properties instead.
         */
        interface IJobProgress extends wattprint.v1.JobProgress.$Properties {
        }

        /** Represents a JobProgress. */
        class JobProgress {

            /**
             * Constructs a new JobProgress.
             * @param [p] Properties to set
             */
            constructor(p?: wattprint.v1.JobProgress.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** JobProgress jobId. */
            jobId: string;

            /** JobProgress tokens. */
            tokens: number;

            /** JobProgress examples. */
            examples: number;

            /** JobProgress steps. */
            steps: number;

            /** JobProgress tokensUnpadded. */
            tokensUnpadded: number;

            /**
             * Creates a new JobProgress instance using the specified properties.
             * @param [properties] Properties to set
             * @returns JobProgress instance
             */
            static create(properties: wattprint.v1.JobProgress.$Shape): wattprint.v1.JobProgress & wattprint.v1.JobProgress.$Shape;
            static create(properties?: wattprint.v1.JobProgress.$Properties): wattprint.v1.JobProgress;

            /**
             * Encodes the specified JobProgress message. Does not implicitly {@link wattprint.v1.JobProgress.verify|verify} messages.
             * @param m JobProgress message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: wattprint.v1.JobProgress.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a JobProgress message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {wattprint.v1.JobProgress & wattprint.v1.JobProgress.$Shape} JobProgress
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): wattprint.v1.JobProgress & wattprint.v1.JobProgress.$Shape;

            /**
             * Creates a JobProgress message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns JobProgress
             */
            static fromObject(d: { [k: string]: any }): wattprint.v1.JobProgress;

            /**
             * Creates a plain object from a JobProgress message. Also converts values to other types if specified.
             * @param m JobProgress
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: wattprint.v1.JobProgress, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this JobProgress to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for JobProgress
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace JobProgress {

            /** Properties of a JobProgress. */
            interface $Properties {

                /** JobProgress jobId */
                jobId?: (string|null);

                /** JobProgress tokens */
                tokens?: (number|null);

                /** JobProgress examples */
                examples?: (number|null);

                /** JobProgress steps */
                steps?: (number|null);

                /** JobProgress tokensUnpadded */
                tokensUnpadded?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a JobProgress. */
            type $Shape = wattprint.v1.JobProgress.$Properties;
        }

        /**
         * Properties of a SourceStatus.
         * @deprecated Use wattprint.v1.SourceStatus.$Properties instead.
         */
        interface ISourceStatus extends wattprint.v1.SourceStatus.$Properties {
        }

        /** Represents a SourceStatus. */
        class SourceStatus {

            /**
             * Constructs a new SourceStatus.
             * @param [p] Properties to set
             */
            constructor(p?: wattprint.v1.SourceStatus.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SourceStatus source. */
            source: string;

            /** SourceStatus ok. */
            ok: boolean;

            /** SourceStatus reason. */
            reason: string;

            /** SourceStatus fix. */
            fix: string;

            /**
             * Creates a new SourceStatus instance using the specified properties.
             * @param [properties] Properties to set
             * @returns SourceStatus instance
             */
            static create(properties: wattprint.v1.SourceStatus.$Shape): wattprint.v1.SourceStatus & wattprint.v1.SourceStatus.$Shape;
            static create(properties?: wattprint.v1.SourceStatus.$Properties): wattprint.v1.SourceStatus;

            /**
             * Encodes the specified SourceStatus message. Does not implicitly {@link wattprint.v1.SourceStatus.verify|verify} messages.
             * @param m SourceStatus message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: wattprint.v1.SourceStatus.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a SourceStatus message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {wattprint.v1.SourceStatus & wattprint.v1.SourceStatus.$Shape} SourceStatus
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): wattprint.v1.SourceStatus & wattprint.v1.SourceStatus.$Shape;

            /**
             * Creates a SourceStatus message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns SourceStatus
             */
            static fromObject(d: { [k: string]: any }): wattprint.v1.SourceStatus;

            /**
             * Creates a plain object from a SourceStatus message. Also converts values to other types if specified.
             * @param m SourceStatus
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: wattprint.v1.SourceStatus, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this SourceStatus to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for SourceStatus
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace SourceStatus {

            /** Properties of a SourceStatus. */
            interface $Properties {

                /** SourceStatus source */
                source?: (string|null);

                /** SourceStatus ok */
                ok?: (boolean|null);

                /** SourceStatus reason */
                reason?: (string|null);

                /** SourceStatus fix */
                fix?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SourceStatus. */
            type $Shape = wattprint.v1.SourceStatus.$Properties;
        }

        /**
         * Properties of a Report.
         * @deprecated Use wattprint.v1.Report.$Properties instead.
         */
        interface IReport extends wattprint.v1.Report.$Properties {
        }

        /** Represents a Report. */
        class Report {

            /**
             * Constructs a new Report.
             * @param [p] Properties to set
             */
            constructor(p?: wattprint.v1.Report.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Report host. */
            host: string;

            /** Report seq. */
            seq: number;

            /** Report startUs. */
            startUs: number;

            /** Report endUs. */
            endUs: number;

            /** Report energy. */
            energy: wattprint.v1.EnergyReading.$Properties[];

            /** Report processes. */
            processes: wattprint.v1.ProcessUsage.$Properties[];

            /** Report gpuProcesses. */
            gpuProcesses: wattprint.v1.GpuProcessUsage.$Properties[];

            /** Report progress. */
            progress: wattprint.v1.JobProgress.$Properties[];

            /** Report cpuBusySeconds. */
            cpuBusySeconds: number;

            /** Report cpuIdleSeconds. */
            cpuIdleSeconds: number;

            /** Report cpuCount. */
            cpuCount: number;

            /** Report sources. */
            sources: wattprint.v1.SourceStatus.$Properties[];

            /** Report bootId. */
            bootId: string;

            /**
             * Creates a new Report instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Report instance
             */
            static create(properties: wattprint.v1.Report.$Shape): wattprint.v1.Report & wattprint.v1.Report.$Shape;
            static create(properties?: wattprint.v1.Report.$Properties): wattprint.v1.Report;

            /**
             * Encodes the specified Report message. Does not implicitly {@link wattprint.v1.Report.verify|verify} messages.
             * @param m Report message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: wattprint.v1.Report.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Report message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {wattprint.v1.Report & wattprint.v1.Report.$Shape} Report
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): wattprint.v1.Report & wattprint.v1.Report.$Shape;

            /**
             * Creates a Report message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns Report
             */
            static fromObject(d: { [k: string]: any }): wattprint.v1.Report;

            /**
             * Creates a plain object from a Report message. Also converts values to other types if specified.
             * @param m Report
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: wattprint.v1.Report, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Report to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Report
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Report {

            /** Properties of a Report. */
            interface $Properties {

                /** Report host */
                host?: (string|null);

                /** Report seq */
                seq?: (number|null);

                /** Report startUs */
                startUs?: (number|null);

                /** Report endUs */
                endUs?: (number|null);

                /** Report energy */
                energy?: (wattprint.v1.EnergyReading.$Properties[]|null);

                /** Report processes */
                processes?: (wattprint.v1.ProcessUsage.$Properties[]|null);

                /** Report gpuProcesses */
                gpuProcesses?: (wattprint.v1.GpuProcessUsage.$Properties[]|null);

                /** Report progress */
                progress?: (wattprint.v1.JobProgress.$Properties[]|null);

                /** Report cpuBusySeconds */
                cpuBusySeconds?: (number|null);

                /** Report cpuIdleSeconds */
                cpuIdleSeconds?: (number|null);

                /** Report cpuCount */
                cpuCount?: (number|null);

                /** Report sources */
                sources?: (wattprint.v1.SourceStatus.$Properties[]|null);

                /** Report bootId */
                bootId?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Report. */
            type $Shape = wattprint.v1.Report.$Properties;
        }

        /**
         * Properties of a Gpu.
         * @deprecated Use wattprint.v1.Gpu.$Properties instead.
         */
        interface IGpu extends wattprint.v1.Gpu.$Properties {
        }

        /** Represents a Gpu. */
        class Gpu {

            /**
             * Constructs a new Gpu.
             * @param [p] Properties to set
             */
            constructor(p?: wattprint.v1.Gpu.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Gpu uuid. */
            uuid: string;

            /** Gpu name. */
            name: string;

            /** Gpu powerLimitWatts. */
            powerLimitWatts: number;

            /** Gpu mig. */
            mig: boolean;

            /**
             * Creates a new Gpu instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Gpu instance
             */
            static create(properties: wattprint.v1.Gpu.$Shape): wattprint.v1.Gpu & wattprint.v1.Gpu.$Shape;
            static create(properties?: wattprint.v1.Gpu.$Properties): wattprint.v1.Gpu;

            /**
             * Encodes the specified Gpu message. Does not implicitly {@link wattprint.v1.Gpu.verify|verify} messages.
             * @param m Gpu message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: wattprint.v1.Gpu.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Gpu message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {wattprint.v1.Gpu & wattprint.v1.Gpu.$Shape} Gpu
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): wattprint.v1.Gpu & wattprint.v1.Gpu.$Shape;

            /**
             * Creates a Gpu message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns Gpu
             */
            static fromObject(d: { [k: string]: any }): wattprint.v1.Gpu;

            /**
             * Creates a plain object from a Gpu message. Also converts values to other types if specified.
             * @param m Gpu
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: wattprint.v1.Gpu, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Gpu to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Gpu
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Gpu {

            /** Properties of a Gpu. */
            interface $Properties {

                /** Gpu uuid */
                uuid?: (string|null);

                /** Gpu name */
                name?: (string|null);

                /** Gpu powerLimitWatts */
                powerLimitWatts?: (number|null);

                /** Gpu mig */
                mig?: (boolean|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Gpu. */
            type $Shape = wattprint.v1.Gpu.$Properties;
        }

        /**
         * Properties of an Inventory.
         * @deprecated Use wattprint.v1.Inventory.$Properties instead.
         */
        interface IInventory extends wattprint.v1.Inventory.$Properties {
        }

        /** Represents an Inventory. */
        class Inventory {

            /**
             * Constructs a new Inventory.
             * @param [p] Properties to set
             */
            constructor(p?: wattprint.v1.Inventory.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Inventory cpuModel. */
            cpuModel: string;

            /** Inventory sockets. */
            sockets: number;

            /** Inventory logicalCpus. */
            logicalCpus: number;

            /** Inventory tdpWatts. */
            tdpWatts: number;

            /** Inventory tdpSource. */
            tdpSource: string;

            /** Inventory gpus. */
            gpus: wattprint.v1.Gpu.$Properties[];

            /** Inventory meterKinds. */
            meterKinds: string[];

            /** Inventory gridZone. */
            gridZone: string;

            /** Inventory gridZoneSource. */
            gridZoneSource: string;

            /** Inventory pue. */
            pue: number;

            /** Inventory labels. */
            labels: { [k: string]: string };

            /** Inventory cloudProvider. */
            cloudProvider: string;

            /** Inventory cloudRegion. */
            cloudRegion: string;

            /**
             * Creates a new Inventory instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Inventory instance
             */
            static create(properties: wattprint.v1.Inventory.$Shape): wattprint.v1.Inventory & wattprint.v1.Inventory.$Shape;
            static create(properties?: wattprint.v1.Inventory.$Properties): wattprint.v1.Inventory;

            /**
             * Encodes the specified Inventory message. Does not implicitly {@link wattprint.v1.Inventory.verify|verify} messages.
             * @param m Inventory message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: wattprint.v1.Inventory.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an Inventory message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {wattprint.v1.Inventory & wattprint.v1.Inventory.$Shape} Inventory
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): wattprint.v1.Inventory & wattprint.v1.Inventory.$Shape;

            /**
             * Creates an Inventory message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns Inventory
             */
            static fromObject(d: { [k: string]: any }): wattprint.v1.Inventory;

            /**
             * Creates a plain object from an Inventory message. Also converts values to other types if specified.
             * @param m Inventory
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: wattprint.v1.Inventory, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Inventory to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Inventory
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Inventory {

            /** Properties of an Inventory. */
            interface $Properties {

                /** Inventory cpuModel */
                cpuModel?: (string|null);

                /** Inventory sockets */
                sockets?: (number|null);

                /** Inventory logicalCpus */
                logicalCpus?: (number|null);

                /** Inventory tdpWatts */
                tdpWatts?: (number|null);

                /** Inventory tdpSource */
                tdpSource?: (string|null);

                /** Inventory gpus */
                gpus?: (wattprint.v1.Gpu.$Properties[]|null);

                /** Inventory meterKinds */
                meterKinds?: (string[]|null);

                /** Inventory gridZone */
                gridZone?: (string|null);

                /** Inventory gridZoneSource */
                gridZoneSource?: (string|null);

                /** Inventory pue */
                pue?: (number|null);

                /** Inventory labels */
                labels?: ({ [k: string]: string }|null);

                /** Inventory cloudProvider */
                cloudProvider?: (string|null);

                /** Inventory cloudRegion */
                cloudRegion?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an Inventory. */
            type $Shape = wattprint.v1.Inventory.$Properties;
        }

        /**
         * Properties of a Hello.
         * @deprecated Use wattprint.v1.Hello.$Properties instead.
         */
        interface IHello extends wattprint.v1.Hello.$Properties {
        }

        /** Represents a Hello. */
        class Hello {

            /**
             * Constructs a new Hello.
             * @param [p] Properties to set
             */
            constructor(p?: wattprint.v1.Hello.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Hello host. */
            host: string;

            /** Hello agentVersion. */
            agentVersion: string;

            /** Hello resumeSeq. */
            resumeSeq: number;

            /** Hello inventory. */
            inventory?: (wattprint.v1.Inventory.$Properties|null);

            /** Hello instanceId. */
            instanceId: string;

            /**
             * Creates a new Hello instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Hello instance
             */
            static create(properties: wattprint.v1.Hello.$Shape): wattprint.v1.Hello & wattprint.v1.Hello.$Shape;
            static create(properties?: wattprint.v1.Hello.$Properties): wattprint.v1.Hello;

            /**
             * Encodes the specified Hello message. Does not implicitly {@link wattprint.v1.Hello.verify|verify} messages.
             * @param m Hello message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: wattprint.v1.Hello.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Hello message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {wattprint.v1.Hello & wattprint.v1.Hello.$Shape} Hello
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): wattprint.v1.Hello & wattprint.v1.Hello.$Shape;

            /**
             * Creates a Hello message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns Hello
             */
            static fromObject(d: { [k: string]: any }): wattprint.v1.Hello;

            /**
             * Creates a plain object from a Hello message. Also converts values to other types if specified.
             * @param m Hello
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: wattprint.v1.Hello, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Hello to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Hello
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Hello {

            /** Properties of a Hello. */
            interface $Properties {

                /** Hello host */
                host?: (string|null);

                /** Hello agentVersion */
                agentVersion?: (string|null);

                /** Hello resumeSeq */
                resumeSeq?: (number|null);

                /** Hello inventory */
                inventory?: (wattprint.v1.Inventory.$Properties|null);

                /** Hello instanceId */
                instanceId?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Hello. */
            type $Shape = wattprint.v1.Hello.$Properties;
        }

        /**
         * Properties of a Rejection.
         * @deprecated Use wattprint.v1.Rejection.$Properties instead.
         */
        interface IRejection extends wattprint.v1.Rejection.$Properties {
        }

        /** Represents a Rejection. */
        class Rejection {

            /**
             * Constructs a new Rejection.
             * @param [p] Properties to set
             */
            constructor(p?: wattprint.v1.Rejection.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Rejection seq. */
            seq: number;

            /** Rejection code. */
            code: string;

            /** Rejection message. */
            message: string;

            /**
             * Creates a new Rejection instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Rejection instance
             */
            static create(properties: wattprint.v1.Rejection.$Shape): wattprint.v1.Rejection & wattprint.v1.Rejection.$Shape;
            static create(properties?: wattprint.v1.Rejection.$Properties): wattprint.v1.Rejection;

            /**
             * Encodes the specified Rejection message. Does not implicitly {@link wattprint.v1.Rejection.verify|verify} messages.
             * @param m Rejection message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: wattprint.v1.Rejection.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Rejection message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {wattprint.v1.Rejection & wattprint.v1.Rejection.$Shape} Rejection
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): wattprint.v1.Rejection & wattprint.v1.Rejection.$Shape;

            /**
             * Creates a Rejection message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns Rejection
             */
            static fromObject(d: { [k: string]: any }): wattprint.v1.Rejection;

            /**
             * Creates a plain object from a Rejection message. Also converts values to other types if specified.
             * @param m Rejection
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: wattprint.v1.Rejection, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Rejection to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Rejection
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Rejection {

            /** Properties of a Rejection. */
            interface $Properties {

                /** Rejection seq */
                seq?: (number|null);

                /** Rejection code */
                code?: (string|null);

                /** Rejection message */
                message?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Rejection. */
            type $Shape = wattprint.v1.Rejection.$Properties;
        }

        /**
         * Properties of an Ack.
         * @deprecated Use wattprint.v1.Ack.$Properties instead.
         */
        interface IAck extends wattprint.v1.Ack.$Properties {
        }

        /** Represents an Ack. */
        class Ack {

            /**
             * Constructs a new Ack.
             * @param [p] Properties to set
             */
            constructor(p?: wattprint.v1.Ack.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Ack seq. */
            seq: number;

            /** Ack rejected. */
            rejected: wattprint.v1.Rejection.$Properties[];

            /**
             * Creates a new Ack instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Ack instance
             */
            static create(properties: wattprint.v1.Ack.$Shape): wattprint.v1.Ack & wattprint.v1.Ack.$Shape;
            static create(properties?: wattprint.v1.Ack.$Properties): wattprint.v1.Ack;

            /**
             * Encodes the specified Ack message. Does not implicitly {@link wattprint.v1.Ack.verify|verify} messages.
             * @param m Ack message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: wattprint.v1.Ack.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an Ack message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {wattprint.v1.Ack & wattprint.v1.Ack.$Shape} Ack
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): wattprint.v1.Ack & wattprint.v1.Ack.$Shape;

            /**
             * Creates an Ack message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns Ack
             */
            static fromObject(d: { [k: string]: any }): wattprint.v1.Ack;

            /**
             * Creates a plain object from an Ack message. Also converts values to other types if specified.
             * @param m Ack
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: wattprint.v1.Ack, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Ack to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Ack
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Ack {

            /** Properties of an Ack. */
            interface $Properties {

                /** Ack seq */
                seq?: (number|null);

                /** Ack rejected */
                rejected?: (wattprint.v1.Rejection.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an Ack. */
            type $Shape = wattprint.v1.Ack.$Properties;
        }

        /**
         * Properties of an AgentMessage.
         * @deprecated Use wattprint.v1.AgentMessage.$Properties instead.
         */
        interface IAgentMessage extends wattprint.v1.AgentMessage.$Properties {
        }

        /** Represents an AgentMessage. */
        class AgentMessage {

            /**
             * Constructs a new AgentMessage.
             * @param [p] Properties to set
             */
            constructor(p?: wattprint.v1.AgentMessage.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** AgentMessage hello. */
            hello?: (wattprint.v1.Hello.$Properties|null);

            /** AgentMessage report. */
            report?: (wattprint.v1.Report.$Properties|null);

            /** AgentMessage body. */
            body?: ("hello"|"report");

            /**
             * Creates a new AgentMessage instance using the specified properties.
             * @param [properties] Properties to set
             * @returns AgentMessage instance
             */
            static create(properties: wattprint.v1.AgentMessage.$Shape): wattprint.v1.AgentMessage & wattprint.v1.AgentMessage.$Shape;
            static create(properties?: wattprint.v1.AgentMessage.$Properties): wattprint.v1.AgentMessage;

            /**
             * Encodes the specified AgentMessage message. Does not implicitly {@link wattprint.v1.AgentMessage.verify|verify} messages.
             * @param m AgentMessage message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: wattprint.v1.AgentMessage.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an AgentMessage message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {wattprint.v1.AgentMessage & wattprint.v1.AgentMessage.$Shape} AgentMessage
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): wattprint.v1.AgentMessage & wattprint.v1.AgentMessage.$Shape;

            /**
             * Creates an AgentMessage message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns AgentMessage
             */
            static fromObject(d: { [k: string]: any }): wattprint.v1.AgentMessage;

            /**
             * Creates a plain object from an AgentMessage message. Also converts values to other types if specified.
             * @param m AgentMessage
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: wattprint.v1.AgentMessage, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this AgentMessage to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for AgentMessage
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace AgentMessage {

            /** Properties of an AgentMessage. */
            interface $Properties {

                /** AgentMessage hello */
                hello?: (wattprint.v1.Hello.$Properties|null);

                /** AgentMessage report */
                report?: (wattprint.v1.Report.$Properties|null);

                /** AgentMessage body */
                body?: ("hello"|"report");

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Narrowed shape of an AgentMessage. */
            type $Shape = {
              hello?: wattprint.v1.Hello.$Shape|null;
              report?: wattprint.v1.Report.$Shape|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ body?: undefined; hello?: null; report?: null }|{ body?: "hello"; hello: wattprint.v1.Hello.$Shape; report?: null }|{ body?: "report"; hello?: null; report: wattprint.v1.Report.$Shape })
            );
        }

        /**
         * Properties of a CollectorMessage.
         * @deprecated Use wattprint.v1.CollectorMessage.$Properties instead.
         */
        interface ICollectorMessage extends wattprint.v1.CollectorMessage.$Properties {
        }

        /** Represents a CollectorMessage. */
        class CollectorMessage {

            /**
             * Constructs a new CollectorMessage.
             * @param [p] Properties to set
             */
            constructor(p?: wattprint.v1.CollectorMessage.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** CollectorMessage ack. */
            ack?: (wattprint.v1.Ack.$Properties|null);

            /** CollectorMessage body. */
            body?: "ack";

            /**
             * Creates a new CollectorMessage instance using the specified properties.
             * @param [properties] Properties to set
             * @returns CollectorMessage instance
             */
            static create(properties: wattprint.v1.CollectorMessage.$Shape): wattprint.v1.CollectorMessage & wattprint.v1.CollectorMessage.$Shape;
            static create(properties?: wattprint.v1.CollectorMessage.$Properties): wattprint.v1.CollectorMessage;

            /**
             * Encodes the specified CollectorMessage message. Does not implicitly {@link wattprint.v1.CollectorMessage.verify|verify} messages.
             * @param m CollectorMessage message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: wattprint.v1.CollectorMessage.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a CollectorMessage message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {wattprint.v1.CollectorMessage & wattprint.v1.CollectorMessage.$Shape} CollectorMessage
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): wattprint.v1.CollectorMessage & wattprint.v1.CollectorMessage.$Shape;

            /**
             * Creates a CollectorMessage message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns CollectorMessage
             */
            static fromObject(d: { [k: string]: any }): wattprint.v1.CollectorMessage;

            /**
             * Creates a plain object from a CollectorMessage message. Also converts values to other types if specified.
             * @param m CollectorMessage
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: wattprint.v1.CollectorMessage, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this CollectorMessage to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for CollectorMessage
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace CollectorMessage {

            /** Properties of a CollectorMessage. */
            interface $Properties {

                /** CollectorMessage ack */
                ack?: (wattprint.v1.Ack.$Properties|null);

                /** CollectorMessage body */
                body?: "ack";

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Narrowed shape of a CollectorMessage. */
            type $Shape = {
              ack?: wattprint.v1.Ack.$Shape|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ body?: undefined; ack?: null }|{ body?: "ack"; ack: wattprint.v1.Ack.$Shape })
            );
        }

        /** Represents an Ingest */
        class Ingest extends $protobuf.rpc.Service {

            /**
             * Constructs a new Ingest service.
             * @param rpcImpl RPC implementation
             * @param [requestDelimited=false] Whether requests are length-delimited
             * @param [responseDelimited=false] Whether responses are length-delimited
             */
            constructor(rpcImpl: $protobuf.RPCImpl, requestDelimited?: boolean, responseDelimited?: boolean);

            /**
             * Creates new Ingest service using the specified rpc implementation.
             * @param rpcImpl RPC implementation
             * @param [requestDelimited=false] Whether requests are length-delimited
             * @param [responseDelimited=false] Whether responses are length-delimited
             * @returns RPC service. Useful where requests and/or responses are streamed.
             */
            static create(rpcImpl: $protobuf.RPCImpl, requestDelimited?: boolean, responseDelimited?: boolean): Ingest;

            /** Calls Stream. */
            stream: wattprint.v1.Ingest.Stream;
        }

        namespace Ingest {

            /**
             * Callback as used by {@link wattprint.v1.Ingest#stream}.
             * @param error Error, if any
             * @param [response] CollectorMessage
             */
            type StreamCallback = (error: (Error|null), response?: wattprint.v1.CollectorMessage) => void;

            /** Calls Stream. */
            type Stream = {
              (request: wattprint.v1.IAgentMessage, callback: wattprint.v1.Ingest.StreamCallback): void;
              (request: wattprint.v1.IAgentMessage): Promise<wattprint.v1.CollectorMessage>;
              readonly name: "Stream";
              readonly path: "/wattprint.v1.Ingest/Stream";
              readonly requestType: "AgentMessage";
              readonly responseType: "CollectorMessage";
              readonly requestStream: true;
              readonly responseStream: true;
            };
        }
    }
}
