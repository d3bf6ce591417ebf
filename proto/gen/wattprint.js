/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
import $protobuf from "protobufjs/minimal.js";

// Common aliases
const $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;
const $Object = $util.global.Object, $undefined = $util.global.undefined, $Error = $util.global.Error, $RangeError = $util.global.RangeError, $TypeError = $util.global.TypeError, $String = $util.global.String, $Number = $util.global.Number, $Array = $util.global.Array, $parseInt = $util.global.parseInt, $BigInt = $util.global.BigInt, $isFinite = $util.global.isFinite, $Boolean = $util.global.Boolean;

// Exported root namespace
const $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

export const wattprint = $root.wattprint = (() => {

    /**
     * Namespace wattprint.
     * @exports wattprint
     * @namespace
     */
    const wattprint = {};

    wattprint.v1 = (function() {

        /**
         * Namespace v1.
         * @memberof wattprint
         * @namespace
         */
        const v1 = {};

        /**
         * Domain enum.
         * @name wattprint.v1.Domain
         * @enum {number}
         * @property {number} DOMAIN_UNSPECIFIED=0 DOMAIN_UNSPECIFIED value
         * @property {number} DOMAIN_PACKAGE=1 DOMAIN_PACKAGE value
         * @property {number} DOMAIN_CORE=2 DOMAIN_CORE value
         * @property {number} DOMAIN_UNCORE=3 DOMAIN_UNCORE value
         * @property {number} DOMAIN_DRAM=4 DOMAIN_DRAM value
         * @property {number} DOMAIN_PSYS=5 DOMAIN_PSYS value
         * @property {number} DOMAIN_GPU=6 DOMAIN_GPU value
         * @property {number} DOMAIN_WALL=7 DOMAIN_WALL value
         */
        v1.Domain = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "DOMAIN_UNSPECIFIED"] = 0;
            values[valuesById[1] = "DOMAIN_PACKAGE"] = 1;
            values[valuesById[2] = "DOMAIN_CORE"] = 2;
            values[valuesById[3] = "DOMAIN_UNCORE"] = 3;
            values[valuesById[4] = "DOMAIN_DRAM"] = 4;
            values[valuesById[5] = "DOMAIN_PSYS"] = 5;
            values[valuesById[6] = "DOMAIN_GPU"] = 6;
            values[valuesById[7] = "DOMAIN_WALL"] = 7;
            return values;
        })();

        /**
         * Source enum.
         * @name wattprint.v1.Source
         * @enum {number}
         * @property {number} SOURCE_UNSPECIFIED=0 SOURCE_UNSPECIFIED value
         * @property {number} SOURCE_RAPL=1 SOURCE_RAPL value
         * @property {number} SOURCE_NVML=2 SOURCE_NVML value
         * @property {number} SOURCE_NVIDIA_SMI=3 SOURCE_NVIDIA_SMI value
         * @property {number} SOURCE_IPMI=4 SOURCE_IPMI value
         * @property {number} SOURCE_REDFISH=5 SOURCE_REDFISH value
         * @property {number} SOURCE_SNMP=6 SOURCE_SNMP value
         * @property {number} SOURCE_SHELLY=7 SOURCE_SHELLY value
         * @property {number} SOURCE_TASMOTA=8 SOURCE_TASMOTA value
         * @property {number} SOURCE_COMMAND=9 SOURCE_COMMAND value
         * @property {number} SOURCE_MODEL=10 SOURCE_MODEL value
         */
        v1.Source = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "SOURCE_UNSPECIFIED"] = 0;
            values[valuesById[1] = "SOURCE_RAPL"] = 1;
            values[valuesById[2] = "SOURCE_NVML"] = 2;
            values[valuesById[3] = "SOURCE_NVIDIA_SMI"] = 3;
            values[valuesById[4] = "SOURCE_IPMI"] = 4;
            values[valuesById[5] = "SOURCE_REDFISH"] = 5;
            values[valuesById[6] = "SOURCE_SNMP"] = 6;
            values[valuesById[7] = "SOURCE_SHELLY"] = 7;
            values[valuesById[8] = "SOURCE_TASMOTA"] = 8;
            values[valuesById[9] = "SOURCE_COMMAND"] = 9;
            values[valuesById[10] = "SOURCE_MODEL"] = 10;
            return values;
        })();

        /**
         * Quality enum.
         * @name wattprint.v1.Quality
         * @enum {number}
         * @property {number} QUALITY_UNSPECIFIED=0 QUALITY_UNSPECIFIED value
         * @property {number} QUALITY_COUNTER=1 QUALITY_COUNTER value
         * @property {number} QUALITY_INTEGRATED_POWER=2 QUALITY_INTEGRATED_POWER value
         * @property {number} QUALITY_ESTIMATE=3 QUALITY_ESTIMATE value
         */
        v1.Quality = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "QUALITY_UNSPECIFIED"] = 0;
            values[valuesById[1] = "QUALITY_COUNTER"] = 1;
            values[valuesById[2] = "QUALITY_INTEGRATED_POWER"] = 2;
            values[valuesById[3] = "QUALITY_ESTIMATE"] = 3;
            return values;
        })();

        v1.EnergyReading = (function() {

            /**
             * Properties of an EnergyReading.
             * @typedef {Object} wattprint.v1.EnergyReading.$Properties
             * @property {wattprint.v1.Domain|null} [domain] EnergyReading domain
             * @property {string|null} [device] EnergyReading device
             * @property {wattprint.v1.Source|null} [source] EnergyReading source
             * @property {wattprint.v1.Quality|null} [quality] EnergyReading quality
             * @property {number|null} [joules] EnergyReading joules
             * @property {Array.<string>|null} [flags] EnergyReading flags
             * @property {number|null} [spanStartUs] EnergyReading spanStartUs
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an EnergyReading.
             * @memberof wattprint.v1
             * @interface IEnergyReading
             * @augments wattprint.v1.EnergyReading.$Properties
             * @deprecated Use wattprint.v1.EnergyReading.$Properties instead.
             */

            /**
             * Shape of an EnergyReading.
             * @typedef {wattprint.v1.EnergyReading.$Properties} wattprint.v1.EnergyReading.$Shape
             */

            /**
             * Constructs a new EnergyReading.
             * @memberof wattprint.v1
             * @classdesc Represents an EnergyReading.
             * @constructor
             * @param {wattprint.v1.EnergyReading.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const EnergyReading = function (p) {
                this.flags = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * EnergyReading domain.
             * @member {wattprint.v1.Domain} domain
             * @memberof wattprint.v1.EnergyReading
             * @instance
             */
            EnergyReading.prototype.domain = 0;

            /**
             * EnergyReading device.
             * @member {string} device
             * @memberof wattprint.v1.EnergyReading
             * @instance
             */
            EnergyReading.prototype.device = "";

            /**
             * EnergyReading source.
             * @member {wattprint.v1.Source} source
             * @memberof wattprint.v1.EnergyReading
             * @instance
             */
            EnergyReading.prototype.source = 0;

            /**
             * EnergyReading quality.
             * @member {wattprint.v1.Quality} quality
             * @memberof wattprint.v1.EnergyReading
             * @instance
             */
            EnergyReading.prototype.quality = 0;

            /**
             * EnergyReading joules.
             * @member {number} joules
             * @memberof wattprint.v1.EnergyReading
             * @instance
             */
            EnergyReading.prototype.joules = 0;

            /**
             * EnergyReading flags.
             * @member {Array.<string>} flags
             * @memberof wattprint.v1.EnergyReading
             * @instance
             */
            EnergyReading.prototype.flags = $util.emptyArray;

            /**
             * EnergyReading spanStartUs.
             * @member {number} spanStartUs
             * @memberof wattprint.v1.EnergyReading
             * @instance
             */
            EnergyReading.prototype.spanStartUs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Creates a new EnergyReading instance using the specified properties.
             * @function create
             * @memberof wattprint.v1.EnergyReading
             * @static
             * @param {wattprint.v1.EnergyReading.$Properties=} [properties] Properties to set
             * @returns {wattprint.v1.EnergyReading} EnergyReading instance
             * @type {{
             *   (properties: wattprint.v1.EnergyReading.$Shape): wattprint.v1.EnergyReading & wattprint.v1.EnergyReading.$Shape;
             *   (properties?: wattprint.v1.EnergyReading.$Properties): wattprint.v1.EnergyReading;
             * }}
             */
            EnergyReading.create = function(properties) {
                return new EnergyReading(properties);
            };

            /**
             * Encodes the specified EnergyReading message. Does not implicitly {@link wattprint.v1.EnergyReading.verify|verify} messages.
             * @function encode
             * @memberof wattprint.v1.EnergyReading
             * @static
             * @param {wattprint.v1.EnergyReading.$Properties} m EnergyReading message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            EnergyReading.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.domain != null && $Object.hasOwnProperty.call(m, "domain") && m.domain !== 0)
                    w.uint32(/* id 1, wireType 0 =*/8).int32(m.domain);
                if (m.device != null && $Object.hasOwnProperty.call(m, "device") && m.device !== "")
                    w.uint32(/* id 2, wireType 2 =*/18).string(m.device);
                if (m.source != null && $Object.hasOwnProperty.call(m, "source") && m.source !== 0)
                    w.uint32(/* id 3, wireType 0 =*/24).int32(m.source);
                if (m.quality != null && $Object.hasOwnProperty.call(m, "quality") && m.quality !== 0)
                    w.uint32(/* id 4, wireType 0 =*/32).int32(m.quality);
                if (m.joules != null && $Object.hasOwnProperty.call(m, "joules") && !$Object.is(m.joules, 0))
                    w.uint32(/* id 5, wireType 1 =*/41).double(m.joules);
                if (m.flags != null && m.flags.length) {
                    for (var i = 0; i < m.flags.length; ++i)
                        w.uint32(/* id 6, wireType 2 =*/50).string(m.flags[i]);
                }
                if (m.spanStartUs != null && $Object.hasOwnProperty.call(m, "spanStartUs") && (typeof m.spanStartUs === "object" ? m.spanStartUs.low || m.spanStartUs.high : m.spanStartUs !== 0))
                    w.uint32(/* id 7, wireType 0 =*/56).uint64(m.spanStartUs);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes an EnergyReading message from the specified reader or buffer.
             * @function decode
             * @memberof wattprint.v1.EnergyReading
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {wattprint.v1.EnergyReading & wattprint.v1.EnergyReading.$Shape} EnergyReading
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            EnergyReading.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.wattprint.v1.EnergyReading();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 0)
                                break;
                            if (v = r.int32())
                                m.domain = v;
                            else
                                delete m.domain;
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.device = v;
                            else
                                delete m.device;
                            continue;
                        }
                    case 3: {
                            if (u !== 0)
                                break;
                            if (v = r.int32())
                                m.source = v;
                            else
                                delete m.source;
                            continue;
                        }
                    case 4: {
                            if (u !== 0)
                                break;
                            if (v = r.int32())
                                m.quality = v;
                            else
                                delete m.quality;
                            continue;
                        }
                    case 5: {
                            if (u !== 1)
                                break;
                            if (!$Object.is(v = r.double(), 0))
                                m.joules = v;
                            else
                                delete m.joules;
                            continue;
                        }
                    case 6: {
                            if (u !== 2)
                                break;
                            if (!(m.flags && m.flags.length))
                                m.flags = [];
                            m.flags.push(r.stringVerify());
                            continue;
                        }
                    case 7: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.spanStartUs = v;
                            else
                                delete m.spanStartUs;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Creates an EnergyReading message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof wattprint.v1.EnergyReading
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {wattprint.v1.EnergyReading} EnergyReading
             */
            EnergyReading.fromObject = function (d, q) {
                if (d instanceof $root.wattprint.v1.EnergyReading)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".wattprint.v1.EnergyReading: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.wattprint.v1.EnergyReading();
                if (d.domain !== 0 && (typeof d.domain !== "string" || $root.wattprint.v1.Domain[d.domain] !== 0)) {
                    switch (d.domain) {
                    case "DOMAIN_UNSPECIFIED":
                    case 0:
                        m.domain = 0;
                        break;
                    case "DOMAIN_PACKAGE":
                    case 1:
                        m.domain = 1;
                        break;
                    case "DOMAIN_CORE":
                    case 2:
                        m.domain = 2;
                        break;
                    case "DOMAIN_UNCORE":
                    case 3:
                        m.domain = 3;
                        break;
                    case "DOMAIN_DRAM":
                    case 4:
                        m.domain = 4;
                        break;
                    case "DOMAIN_PSYS":
                    case 5:
                        m.domain = 5;
                        break;
                    case "DOMAIN_GPU":
                    case 6:
                        m.domain = 6;
                        break;
                    case "DOMAIN_WALL":
                    case 7:
                        m.domain = 7;
                        break;
                    default:
                        if (typeof d.domain === "number" && (d.domain | 0) === d.domain)
                            m.domain = d.domain;
                    }
                }
                if (d.device != null) {
                    if (typeof d.device !== "string" || d.device.length) {
                        m.device = $String(d.device);
                    }
                }
                if (d.source !== 0 && (typeof d.source !== "string" || $root.wattprint.v1.Source[d.source] !== 0)) {
                    switch (d.source) {
                    case "SOURCE_UNSPECIFIED":
                    case 0:
                        m.source = 0;
                        break;
                    case "SOURCE_RAPL":
                    case 1:
                        m.source = 1;
                        break;
                    case "SOURCE_NVML":
                    case 2:
                        m.source = 2;
                        break;
                    case "SOURCE_NVIDIA_SMI":
                    case 3:
                        m.source = 3;
                        break;
                    case "SOURCE_IPMI":
                    case 4:
                        m.source = 4;
                        break;
                    case "SOURCE_REDFISH":
                    case 5:
                        m.source = 5;
                        break;
                    case "SOURCE_SNMP":
                    case 6:
                        m.source = 6;
                        break;
                    case "SOURCE_SHELLY":
                    case 7:
                        m.source = 7;
                        break;
                    case "SOURCE_TASMOTA":
                    case 8:
                        m.source = 8;
                        break;
                    case "SOURCE_COMMAND":
                    case 9:
                        m.source = 9;
                        break;
                    case "SOURCE_MODEL":
                    case 10:
                        m.source = 10;
                        break;
                    default:
                        if (typeof d.source === "number" && (d.source | 0) === d.source)
                            m.source = d.source;
                    }
                }
                if (d.quality !== 0 && (typeof d.quality !== "string" || $root.wattprint.v1.Quality[d.quality] !== 0)) {
                    switch (d.quality) {
                    case "QUALITY_UNSPECIFIED":
                    case 0:
                        m.quality = 0;
                        break;
                    case "QUALITY_COUNTER":
                    case 1:
                        m.quality = 1;
                        break;
                    case "QUALITY_INTEGRATED_POWER":
                    case 2:
                        m.quality = 2;
                        break;
                    case "QUALITY_ESTIMATE":
                    case 3:
                        m.quality = 3;
                        break;
                    default:
                        if (typeof d.quality === "number" && (d.quality | 0) === d.quality)
                            m.quality = d.quality;
                    }
                }
                if (d.joules != null) {
                    if (!$Object.is($Number(d.joules), 0)) {
                        m.joules = $Number(d.joules);
                    }
                }
                if (d.flags) {
                    if (!$Array.isArray(d.flags))
                        throw $TypeError(".wattprint.v1.EnergyReading.flags: array expected");
                    m.flags = $Array(d.flags.length);
                    for (var i = 0; i < d.flags.length; ++i) {
                        m.flags[i] = $String(d.flags[i]);
                    }
                }
                if (d.spanStartUs != null) {
                    if (typeof d.spanStartUs === "object" ? d.spanStartUs.low || d.spanStartUs.high : $Number(d.spanStartUs) !== 0) {
                        if ($util.Long)
                            m.spanStartUs = $util.Long.fromValue(d.spanStartUs, true);
                        else if (typeof d.spanStartUs === "string")
                            m.spanStartUs = $parseInt(d.spanStartUs, 10);
                        else if (typeof d.spanStartUs === "number")
                            m.spanStartUs = d.spanStartUs;
                        else if (typeof d.spanStartUs === "object")
                            m.spanStartUs = new $util.LongBits(d.spanStartUs.low >>> 0, d.spanStartUs.high >>> 0).toNumber(true);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from an EnergyReading message. Also converts values to other types if specified.
             * @function toObject
             * @memberof wattprint.v1.EnergyReading
             * @static
             * @param {wattprint.v1.EnergyReading} m EnergyReading
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            EnergyReading.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.arrays || o.defaults) {
                    d.flags = [];
                }
                if (o.defaults) {
                    d.domain = o.enums === $String ? "DOMAIN_UNSPECIFIED" : 0;
                    d.device = "";
                    d.source = o.enums === $String ? "SOURCE_UNSPECIFIED" : 0;
                    d.quality = o.enums === $String ? "QUALITY_UNSPECIFIED" : 0;
                    d.joules = 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.spanStartUs = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.spanStartUs = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                }
                if (m.domain != null && $Object.hasOwnProperty.call(m, "domain")) {
                    d.domain = o.enums === $String ? $root.wattprint.v1.Domain[m.domain] === $undefined ? m.domain : $root.wattprint.v1.Domain[m.domain] : m.domain;
                }
                if (m.device != null && $Object.hasOwnProperty.call(m, "device")) {
                    d.device = m.device;
                }
                if (m.source != null && $Object.hasOwnProperty.call(m, "source")) {
                    d.source = o.enums === $String ? $root.wattprint.v1.Source[m.source] === $undefined ? m.source : $root.wattprint.v1.Source[m.source] : m.source;
                }
                if (m.quality != null && $Object.hasOwnProperty.call(m, "quality")) {
                    d.quality = o.enums === $String ? $root.wattprint.v1.Quality[m.quality] === $undefined ? m.quality : $root.wattprint.v1.Quality[m.quality] : m.quality;
                }
                if (m.joules != null && $Object.hasOwnProperty.call(m, "joules")) {
                    d.joules = o.json && !$isFinite(m.joules) ? $String(m.joules) : m.joules;
                }
                if (m.flags && m.flags.length) {
                    d.flags = $Array(m.flags.length);
                    for (var j = 0; j < m.flags.length; ++j) {
                        d.flags[j] = m.flags[j];
                    }
                }
                if (m.spanStartUs != null && $Object.hasOwnProperty.call(m, "spanStartUs")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.spanStartUs = typeof m.spanStartUs === "number" ? $BigInt(m.spanStartUs) : $util.Long.fromBits(m.spanStartUs.low >>> 0, m.spanStartUs.high >>> 0, true).toBigInt();
                    else if (typeof m.spanStartUs === "number")
                        d.spanStartUs = o.longs === $String ? $String(m.spanStartUs) : m.spanStartUs;
                    else
                        d.spanStartUs = o.longs === $String ? $util.Long.prototype.toString.call(m.spanStartUs) : o.longs === $Number ? new $util.LongBits(m.spanStartUs.low >>> 0, m.spanStartUs.high >>> 0).toNumber(true) : m.spanStartUs;
                }
                return d;
            };

            /**
             * Converts this EnergyReading to JSON.
             * @function toJSON
             * @memberof wattprint.v1.EnergyReading
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            EnergyReading.prototype.toJSON = function() {
                return EnergyReading.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for EnergyReading
             * @function getTypeUrl
             * @memberof wattprint.v1.EnergyReading
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            EnergyReading.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/wattprint.v1.EnergyReading";
            };

            return EnergyReading;
        })();

        v1.ProcessUsage = (function() {

            /**
             * Properties of a ProcessUsage.
             * @typedef {Object} wattprint.v1.ProcessUsage.$Properties
             * @property {number|null} [pid] ProcessUsage pid
             * @property {number|null} [startTimeUs] ProcessUsage startTimeUs
             * @property {number|null} [ppid] ProcessUsage ppid
             * @property {number|null} [uid] ProcessUsage uid
             * @property {string|null} [command] ProcessUsage command
             * @property {string|null} [cgroup] ProcessUsage cgroup
             * @property {string|null} [jobId] ProcessUsage jobId
             * @property {Object.<string,string>|null} [labels] ProcessUsage labels
             * @property {number|null} [cpuSeconds] ProcessUsage cpuSeconds
             * @property {number|null} [rssBytes] ProcessUsage rssBytes
             * @property {string|null} [jobSource] ProcessUsage jobSource
             * @property {boolean|null} [started] ProcessUsage started
             * @property {boolean|null} [exited] ProcessUsage exited
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a ProcessUsage.
             * @memberof wattprint.v1
             * @interface IProcessUsage
             * @augments wattprint.v1.ProcessUsage.$Properties
             * @deprecated Use wattprint.v1.ProcessUsage.$Properties instead.
             */

            /**
             * Shape of a ProcessUsage.
             * @typedef {wattprint.v1.ProcessUsage.$Properties} wattprint.v1.ProcessUsage.$Shape
             */

            /**
             * Constructs a new ProcessUsage.
             * @memberof wattprint.v1
             * @classdesc Represents a ProcessUsage.
             * @constructor
             * @param {wattprint.v1.ProcessUsage.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const ProcessUsage = function (p) {
                this.labels = {};
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * ProcessUsage pid.
             * @member {number} pid
             * @memberof wattprint.v1.ProcessUsage
             * @instance
             */
            ProcessUsage.prototype.pid = 0;

            /**
             * ProcessUsage startTimeUs.
             * @member {number} startTimeUs
             * @memberof wattprint.v1.ProcessUsage
             * @instance
             */
            ProcessUsage.prototype.startTimeUs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * ProcessUsage ppid.
             * @member {number} ppid
             * @memberof wattprint.v1.ProcessUsage
             * @instance
             */
            ProcessUsage.prototype.ppid = 0;

            /**
             * ProcessUsage uid.
             * @member {number} uid
             * @memberof wattprint.v1.ProcessUsage
             * @instance
             */
            ProcessUsage.prototype.uid = 0;

            /**
             * ProcessUsage command.
             * @member {string} command
             * @memberof wattprint.v1.ProcessUsage
             * @instance
             */
            ProcessUsage.prototype.command = "";

            /**
             * ProcessUsage cgroup.
             * @member {string} cgroup
             * @memberof wattprint.v1.ProcessUsage
             * @instance
             */
            ProcessUsage.prototype.cgroup = "";

            /**
             * ProcessUsage jobId.
             * @member {string} jobId
             * @memberof wattprint.v1.ProcessUsage
             * @instance
             */
            ProcessUsage.prototype.jobId = "";

            /**
             * ProcessUsage labels.
             * @member {Object.<string,string>} labels
             * @memberof wattprint.v1.ProcessUsage
             * @instance
             */
            ProcessUsage.prototype.labels = $util.emptyObject;

            /**
             * ProcessUsage cpuSeconds.
             * @member {number} cpuSeconds
             * @memberof wattprint.v1.ProcessUsage
             * @instance
             */
            ProcessUsage.prototype.cpuSeconds = 0;

            /**
             * ProcessUsage rssBytes.
             * @member {number} rssBytes
             * @memberof wattprint.v1.ProcessUsage
             * @instance
             */
            ProcessUsage.prototype.rssBytes = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * ProcessUsage jobSource.
             * @member {string} jobSource
             * @memberof wattprint.v1.ProcessUsage
             * @instance
             */
            ProcessUsage.prototype.jobSource = "";

            /**
             * ProcessUsage started.
             * @member {boolean} started
             * @memberof wattprint.v1.ProcessUsage
             * @instance
             */
            ProcessUsage.prototype.started = false;

            /**
             * ProcessUsage exited.
             * @member {boolean} exited
             * @memberof wattprint.v1.ProcessUsage
             * @instance
             */
            ProcessUsage.prototype.exited = false;

            /**
             * Creates a new ProcessUsage instance using the specified properties.
             * @function create
             * @memberof wattprint.v1.ProcessUsage
             * @static
             * @param {wattprint.v1.ProcessUsage.$Properties=} [properties] Properties to set
             * @returns {wattprint.v1.ProcessUsage} ProcessUsage instance
             * @type {{
             *   (properties: wattprint.v1.ProcessUsage.$Shape): wattprint.v1.ProcessUsage & wattprint.v1.ProcessUsage.$Shape;
             *   (properties?: wattprint.v1.ProcessUsage.$Properties): wattprint.v1.ProcessUsage;
             * }}
             */
            ProcessUsage.create = function(properties) {
                return new ProcessUsage(properties);
            };

            /**
             * Encodes the specified ProcessUsage message. Does not implicitly {@link wattprint.v1.ProcessUsage.verify|verify} messages.
             * @function encode
             * @memberof wattprint.v1.ProcessUsage
             * @static
             * @param {wattprint.v1.ProcessUsage.$Properties} m ProcessUsage message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ProcessUsage.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.pid != null && $Object.hasOwnProperty.call(m, "pid") && m.pid !== 0)
                    w.uint32(/* id 1, wireType 0 =*/8).uint32(m.pid);
                if (m.startTimeUs != null && $Object.hasOwnProperty.call(m, "startTimeUs") && (typeof m.startTimeUs === "object" ? m.startTimeUs.low || m.startTimeUs.high : m.startTimeUs !== 0))
                    w.uint32(/* id 2, wireType 0 =*/16).uint64(m.startTimeUs);
                if (m.ppid != null && $Object.hasOwnProperty.call(m, "ppid") && m.ppid !== 0)
                    w.uint32(/* id 3, wireType 0 =*/24).uint32(m.ppid);
                if (m.uid != null && $Object.hasOwnProperty.call(m, "uid") && m.uid !== 0)
                    w.uint32(/* id 4, wireType 0 =*/32).uint32(m.uid);
                if (m.command != null && $Object.hasOwnProperty.call(m, "command") && m.command !== "")
                    w.uint32(/* id 5, wireType 2 =*/42).string(m.command);
                if (m.cgroup != null && $Object.hasOwnProperty.call(m, "cgroup") && m.cgroup !== "")
                    w.uint32(/* id 6, wireType 2 =*/50).string(m.cgroup);
                if (m.jobId != null && $Object.hasOwnProperty.call(m, "jobId") && m.jobId !== "")
                    w.uint32(/* id 7, wireType 2 =*/58).string(m.jobId);
                if (m.labels != null && $Object.hasOwnProperty.call(m, "labels")) {
                    for (var ks = $Object.keys(m.labels), i = 0; i < ks.length; ++i) {
                        w.uint32(/* id 8, wireType 2 =*/66).fork().uint32(/* id 1, wireType 2 =*/10).string(ks[i]).uint32(/* id 2, wireType 2 =*/18).string(m.labels[ks[i]]).ldelim();
                    }
                }
                if (m.cpuSeconds != null && $Object.hasOwnProperty.call(m, "cpuSeconds") && !$Object.is(m.cpuSeconds, 0))
                    w.uint32(/* id 9, wireType 1 =*/73).double(m.cpuSeconds);
                if (m.rssBytes != null && $Object.hasOwnProperty.call(m, "rssBytes") && (typeof m.rssBytes === "object" ? m.rssBytes.low || m.rssBytes.high : m.rssBytes !== 0))
                    w.uint32(/* id 10, wireType 0 =*/80).uint64(m.rssBytes);
                if (m.jobSource != null && $Object.hasOwnProperty.call(m, "jobSource") && m.jobSource !== "")
                    w.uint32(/* id 11, wireType 2 =*/90).string(m.jobSource);
                if (m.started != null && $Object.hasOwnProperty.call(m, "started") && m.started !== false)
                    w.uint32(/* id 12, wireType 0 =*/96).bool(m.started);
                if (m.exited != null && $Object.hasOwnProperty.call(m, "exited") && m.exited !== false)
                    w.uint32(/* id 13, wireType 0 =*/104).bool(m.exited);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a ProcessUsage message from the specified reader or buffer.
             * @function decode
             * @memberof wattprint.v1.ProcessUsage
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {wattprint.v1.ProcessUsage & wattprint.v1.ProcessUsage.$Shape} ProcessUsage
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ProcessUsage.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, k, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.wattprint.v1.ProcessUsage();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 0)
                                break;
                            if (v = r.uint32())
                                m.pid = v;
                            else
                                delete m.pid;
                            continue;
                        }
                    case 2: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.startTimeUs = v;
                            else
                                delete m.startTimeUs;
                            continue;
                        }
                    case 3: {
                            if (u !== 0)
                                break;
                            if (v = r.uint32())
                                m.ppid = v;
                            else
                                delete m.ppid;
                            continue;
                        }
                    case 4: {
                            if (u !== 0)
                                break;
                            if (v = r.uint32())
                                m.uid = v;
                            else
                                delete m.uid;
                            continue;
                        }
                    case 5: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.command = v;
                            else
                                delete m.command;
                            continue;
                        }
                    case 6: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.cgroup = v;
                            else
                                delete m.cgroup;
                            continue;
                        }
                    case 7: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.jobId = v;
                            else
                                delete m.jobId;
                            continue;
                        }
                    case 8: {
                            if (u !== 2)
                                break;
                            if (m.labels === $util.emptyObject)
                                m.labels = {};
                            var c2 = r.size() + r.pos;
                            if (c2 > r.len)
                                throw $RangeError("index out of range");
                            r.len = c2;
                            k = "";
                            v = "";
                            while (r.pos < c2) {
                                var t2 = r.tag();
                                u = t2 & 7;
                                switch (t2 >>>= 3) {
                                case 1:
                                    if (u !== 2)
                                        break;
                                    k = r.stringVerify();
                                    continue;
                                case 2:
                                    if (u !== 2)
                                        break;
                                    v = r.stringVerify();
                                    continue;
                                }
                                r.skipType(u, q, t2);
                            }
                            if (r.pos !== c2)
                                throw $RangeError("index out of range");
                            r.len = c;
                            if (k === "__proto__")
                                $util.makeProp(m.labels, k);
                            m.labels[k] = v;
                            continue;
                        }
                    case 9: {
                            if (u !== 1)
                                break;
                            if (!$Object.is(v = r.double(), 0))
                                m.cpuSeconds = v;
                            else
                                delete m.cpuSeconds;
                            continue;
                        }
                    case 10: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.rssBytes = v;
                            else
                                delete m.rssBytes;
                            continue;
                        }
                    case 11: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.jobSource = v;
                            else
                                delete m.jobSource;
                            continue;
                        }
                    case 12: {
                            if (u !== 0)
                                break;
                            if (v = r.bool())
                                m.started = v;
                            else
                                delete m.started;
                            continue;
                        }
                    case 13: {
                            if (u !== 0)
                                break;
                            if (v = r.bool())
                                m.exited = v;
                            else
                                delete m.exited;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Creates a ProcessUsage message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof wattprint.v1.ProcessUsage
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {wattprint.v1.ProcessUsage} ProcessUsage
             */
            ProcessUsage.fromObject = function (d, q) {
                if (d instanceof $root.wattprint.v1.ProcessUsage)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".wattprint.v1.ProcessUsage: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.wattprint.v1.ProcessUsage();
                if (d.pid != null) {
                    if ($Number(d.pid) !== 0) {
                        m.pid = d.pid >>> 0;
                    }
                }
                if (d.startTimeUs != null) {
                    if (typeof d.startTimeUs === "object" ? d.startTimeUs.low || d.startTimeUs.high : $Number(d.startTimeUs) !== 0) {
                        if ($util.Long)
                            m.startTimeUs = $util.Long.fromValue(d.startTimeUs, true);
                        else if (typeof d.startTimeUs === "string")
                            m.startTimeUs = $parseInt(d.startTimeUs, 10);
                        else if (typeof d.startTimeUs === "number")
                            m.startTimeUs = d.startTimeUs;
                        else if (typeof d.startTimeUs === "object")
                            m.startTimeUs = new $util.LongBits(d.startTimeUs.low >>> 0, d.startTimeUs.high >>> 0).toNumber(true);
                    }
                }
                if (d.ppid != null) {
                    if ($Number(d.ppid) !== 0) {
                        m.ppid = d.ppid >>> 0;
                    }
                }
                if (d.uid != null) {
                    if ($Number(d.uid) !== 0) {
                        m.uid = d.uid >>> 0;
                    }
                }
                if (d.command != null) {
                    if (typeof d.command !== "string" || d.command.length) {
                        m.command = $String(d.command);
                    }
                }
                if (d.cgroup != null) {
                    if (typeof d.cgroup !== "string" || d.cgroup.length) {
                        m.cgroup = $String(d.cgroup);
                    }
                }
                if (d.jobId != null) {
                    if (typeof d.jobId !== "string" || d.jobId.length) {
                        m.jobId = $String(d.jobId);
                    }
                }
                if (d.labels) {
                    if (!$util.isObject(d.labels))
                        throw $TypeError(".wattprint.v1.ProcessUsage.labels: object expected");
                    m.labels = {};
                    for (var ks = $Object.keys(d.labels), i = 0; i < ks.length; ++i) {
                        if (ks[i] === "__proto__")
                            $util.makeProp(m.labels, ks[i]);
                        m.labels[ks[i]] = $String(d.labels[ks[i]]);
                    }
                }
                if (d.cpuSeconds != null) {
                    if (!$Object.is($Number(d.cpuSeconds), 0)) {
                        m.cpuSeconds = $Number(d.cpuSeconds);
                    }
                }
                if (d.rssBytes != null) {
                    if (typeof d.rssBytes === "object" ? d.rssBytes.low || d.rssBytes.high : $Number(d.rssBytes) !== 0) {
                        if ($util.Long)
                            m.rssBytes = $util.Long.fromValue(d.rssBytes, true);
                        else if (typeof d.rssBytes === "string")
                            m.rssBytes = $parseInt(d.rssBytes, 10);
                        else if (typeof d.rssBytes === "number")
                            m.rssBytes = d.rssBytes;
                        else if (typeof d.rssBytes === "object")
                            m.rssBytes = new $util.LongBits(d.rssBytes.low >>> 0, d.rssBytes.high >>> 0).toNumber(true);
                    }
                }
                if (d.jobSource != null) {
                    if (typeof d.jobSource !== "string" || d.jobSource.length) {
                        m.jobSource = $String(d.jobSource);
                    }
                }
                if (d.started != null) {
                    if (d.started) {
                        m.started = $Boolean(d.started);
                    }
                }
                if (d.exited != null) {
                    if (d.exited) {
                        m.exited = $Boolean(d.exited);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a ProcessUsage message. Also converts values to other types if specified.
             * @function toObject
             * @memberof wattprint.v1.ProcessUsage
             * @static
             * @param {wattprint.v1.ProcessUsage} m ProcessUsage
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            ProcessUsage.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.objects || o.defaults) {
                    d.labels = {};
                }
                if (o.defaults) {
                    d.pid = 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.startTimeUs = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.startTimeUs = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    d.ppid = 0;
                    d.uid = 0;
                    d.command = "";
                    d.cgroup = "";
                    d.jobId = "";
                    d.cpuSeconds = 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.rssBytes = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.rssBytes = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    d.jobSource = "";
                    d.started = false;
                    d.exited = false;
                }
                if (m.pid != null && $Object.hasOwnProperty.call(m, "pid")) {
                    d.pid = m.pid;
                }
                if (m.startTimeUs != null && $Object.hasOwnProperty.call(m, "startTimeUs")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.startTimeUs = typeof m.startTimeUs === "number" ? $BigInt(m.startTimeUs) : $util.Long.fromBits(m.startTimeUs.low >>> 0, m.startTimeUs.high >>> 0, true).toBigInt();
                    else if (typeof m.startTimeUs === "number")
                        d.startTimeUs = o.longs === $String ? $String(m.startTimeUs) : m.startTimeUs;
                    else
                        d.startTimeUs = o.longs === $String ? $util.Long.prototype.toString.call(m.startTimeUs) : o.longs === $Number ? new $util.LongBits(m.startTimeUs.low >>> 0, m.startTimeUs.high >>> 0).toNumber(true) : m.startTimeUs;
                }
                if (m.ppid != null && $Object.hasOwnProperty.call(m, "ppid")) {
                    d.ppid = m.ppid;
                }
                if (m.uid != null && $Object.hasOwnProperty.call(m, "uid")) {
                    d.uid = m.uid;
                }
                if (m.command != null && $Object.hasOwnProperty.call(m, "command")) {
                    d.command = m.command;
                }
                if (m.cgroup != null && $Object.hasOwnProperty.call(m, "cgroup")) {
                    d.cgroup = m.cgroup;
                }
                if (m.jobId != null && $Object.hasOwnProperty.call(m, "jobId")) {
                    d.jobId = m.jobId;
                }
                var ks2;
                if (m.labels && (ks2 = $Object.keys(m.labels)).length) {
                    d.labels = {};
                    for (var j = 0; j < ks2.length; ++j) {
                        if (ks2[j] === "__proto__")
                            $util.makeProp(d.labels, ks2[j]);
                        d.labels[ks2[j]] = m.labels[ks2[j]];
                    }
                }
                if (m.cpuSeconds != null && $Object.hasOwnProperty.call(m, "cpuSeconds")) {
                    d.cpuSeconds = o.json && !$isFinite(m.cpuSeconds) ? $String(m.cpuSeconds) : m.cpuSeconds;
                }
                if (m.rssBytes != null && $Object.hasOwnProperty.call(m, "rssBytes")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.rssBytes = typeof m.rssBytes === "number" ? $BigInt(m.rssBytes) : $util.Long.fromBits(m.rssBytes.low >>> 0, m.rssBytes.high >>> 0, true).toBigInt();
                    else if (typeof m.rssBytes === "number")
                        d.rssBytes = o.longs === $String ? $String(m.rssBytes) : m.rssBytes;
                    else
                        d.rssBytes = o.longs === $String ? $util.Long.prototype.toString.call(m.rssBytes) : o.longs === $Number ? new $util.LongBits(m.rssBytes.low >>> 0, m.rssBytes.high >>> 0).toNumber(true) : m.rssBytes;
                }
                if (m.jobSource != null && $Object.hasOwnProperty.call(m, "jobSource")) {
                    d.jobSource = m.jobSource;
                }
                if (m.started != null && $Object.hasOwnProperty.call(m, "started")) {
                    d.started = m.started;
                }
                if (m.exited != null && $Object.hasOwnProperty.call(m, "exited")) {
                    d.exited = m.exited;
                }
                return d;
            };

            /**
             * Converts this ProcessUsage to JSON.
             * @function toJSON
             * @memberof wattprint.v1.ProcessUsage
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            ProcessUsage.prototype.toJSON = function() {
                return ProcessUsage.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for ProcessUsage
             * @function getTypeUrl
             * @memberof wattprint.v1.ProcessUsage
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            ProcessUsage.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/wattprint.v1.ProcessUsage";
            };

            return ProcessUsage;
        })();

        v1.GpuProcessUsage = (function() {

            /**
             * Properties of a GpuProcessUsage.
             * @typedef {Object} wattprint.v1.GpuProcessUsage.$Properties
             * @property {string|null} [gpuUuid] GpuProcessUsage gpuUuid
             * @property {number|null} [pid] GpuProcessUsage pid
             * @property {number|null} [smUtil] GpuProcessUsage smUtil
             * @property {number|null} [memUtil] GpuProcessUsage memUtil
             * @property {number|null} [sampleCount] GpuProcessUsage sampleCount
             * @property {number|null} [gpuMemoryBytes] GpuProcessUsage gpuMemoryBytes
             * @property {number|null} [gpuInstanceId] GpuProcessUsage gpuInstanceId
             * @property {number|null} [computeInstanceId] GpuProcessUsage computeInstanceId
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a GpuProcessUsage.
             * @memberof wattprint.v1
             * @interface IGpuProcessUsage
             * @augments wattprint.v1.GpuProcessUsage.$Properties
             * @deprecated Use wattprint.v1.GpuProcessUsage.$Properties instead.
             */

            /**
             * Shape of a GpuProcessUsage.
             * @typedef {wattprint.v1.GpuProcessUsage.$Properties} wattprint.v1.GpuProcessUsage.$Shape
             */

            /**
             * Constructs a new GpuProcessUsage.
             * @memberof wattprint.v1
             * @classdesc Represents a GpuProcessUsage.
             * @constructor
             * @param {wattprint.v1.GpuProcessUsage.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const GpuProcessUsage = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * GpuProcessUsage gpuUuid.
             * @member {string} gpuUuid
             * @memberof wattprint.v1.GpuProcessUsage
             * @instance
             */
            GpuProcessUsage.prototype.gpuUuid = "";

            /**
             * GpuProcessUsage pid.
             * @member {number} pid
             * @memberof wattprint.v1.GpuProcessUsage
             * @instance
             */
            GpuProcessUsage.prototype.pid = 0;

            /**
             * GpuProcessUsage smUtil.
             * @member {number} smUtil
             * @memberof wattprint.v1.GpuProcessUsage
             * @instance
             */
            GpuProcessUsage.prototype.smUtil = 0;

            /**
             * GpuProcessUsage memUtil.
             * @member {number} memUtil
             * @memberof wattprint.v1.GpuProcessUsage
             * @instance
             */
            GpuProcessUsage.prototype.memUtil = 0;

            /**
             * GpuProcessUsage sampleCount.
             * @member {number} sampleCount
             * @memberof wattprint.v1.GpuProcessUsage
             * @instance
             */
            GpuProcessUsage.prototype.sampleCount = 0;

            /**
             * GpuProcessUsage gpuMemoryBytes.
             * @member {number} gpuMemoryBytes
             * @memberof wattprint.v1.GpuProcessUsage
             * @instance
             */
            GpuProcessUsage.prototype.gpuMemoryBytes = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * GpuProcessUsage gpuInstanceId.
             * @member {number} gpuInstanceId
             * @memberof wattprint.v1.GpuProcessUsage
             * @instance
             */
            GpuProcessUsage.prototype.gpuInstanceId = 0;

            /**
             * GpuProcessUsage computeInstanceId.
             * @member {number} computeInstanceId
             * @memberof wattprint.v1.GpuProcessUsage
             * @instance
             */
            GpuProcessUsage.prototype.computeInstanceId = 0;

            /**
             * Creates a new GpuProcessUsage instance using the specified properties.
             * @function create
             * @memberof wattprint.v1.GpuProcessUsage
             * @static
             * @param {wattprint.v1.GpuProcessUsage.$Properties=} [properties] Properties to set
             * @returns {wattprint.v1.GpuProcessUsage} GpuProcessUsage instance
             * @type {{
             *   (properties: wattprint.v1.GpuProcessUsage.$Shape): wattprint.v1.GpuProcessUsage & wattprint.v1.GpuProcessUsage.$Shape;
             *   (properties?: wattprint.v1.GpuProcessUsage.$Properties): wattprint.v1.GpuProcessUsage;
             * }}
             */
            GpuProcessUsage.create = function(properties) {
                return new GpuProcessUsage(properties);
            };

            /**
             * Encodes the specified GpuProcessUsage message. Does not implicitly {@link wattprint.v1.GpuProcessUsage.verify|verify} messages.
             * @function encode
             * @memberof wattprint.v1.GpuProcessUsage
             * @static
             * @param {wattprint.v1.GpuProcessUsage.$Properties} m GpuProcessUsage message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            GpuProcessUsage.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.gpuUuid != null && $Object.hasOwnProperty.call(m, "gpuUuid") && m.gpuUuid !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.gpuUuid);
                if (m.pid != null && $Object.hasOwnProperty.call(m, "pid") && m.pid !== 0)
                    w.uint32(/* id 2, wireType 0 =*/16).uint32(m.pid);
                if (m.smUtil != null && $Object.hasOwnProperty.call(m, "smUtil") && !$Object.is(m.smUtil, 0))
                    w.uint32(/* id 3, wireType 1 =*/25).double(m.smUtil);
                if (m.memUtil != null && $Object.hasOwnProperty.call(m, "memUtil") && !$Object.is(m.memUtil, 0))
                    w.uint32(/* id 4, wireType 1 =*/33).double(m.memUtil);
                if (m.sampleCount != null && $Object.hasOwnProperty.call(m, "sampleCount") && m.sampleCount !== 0)
                    w.uint32(/* id 5, wireType 0 =*/40).uint32(m.sampleCount);
                if (m.gpuMemoryBytes != null && $Object.hasOwnProperty.call(m, "gpuMemoryBytes") && (typeof m.gpuMemoryBytes === "object" ? m.gpuMemoryBytes.low || m.gpuMemoryBytes.high : m.gpuMemoryBytes !== 0))
                    w.uint32(/* id 6, wireType 0 =*/48).uint64(m.gpuMemoryBytes);
                if (m.gpuInstanceId != null && $Object.hasOwnProperty.call(m, "gpuInstanceId") && m.gpuInstanceId !== 0)
                    w.uint32(/* id 7, wireType 0 =*/56).uint32(m.gpuInstanceId);
                if (m.computeInstanceId != null && $Object.hasOwnProperty.call(m, "computeInstanceId") && m.computeInstanceId !== 0)
                    w.uint32(/* id 8, wireType 0 =*/64).uint32(m.computeInstanceId);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a GpuProcessUsage message from the specified reader or buffer.
             * @function decode
             * @memberof wattprint.v1.GpuProcessUsage
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {wattprint.v1.GpuProcessUsage & wattprint.v1.GpuProcessUsage.$Shape} GpuProcessUsage
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            GpuProcessUsage.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.wattprint.v1.GpuProcessUsage();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.gpuUuid = v;
                            else
                                delete m.gpuUuid;
                            continue;
                        }
                    case 2: {
                            if (u !== 0)
                                break;
                            if (v = r.uint32())
                                m.pid = v;
                            else
                                delete m.pid;
                            continue;
                        }
                    case 3: {
                            if (u !== 1)
                                break;
                            if (!$Object.is(v = r.double(), 0))
                                m.smUtil = v;
                            else
                                delete m.smUtil;
                            continue;
                        }
                    case 4: {
                            if (u !== 1)
                                break;
                            if (!$Object.is(v = r.double(), 0))
                                m.memUtil = v;
                            else
                                delete m.memUtil;
                            continue;
                        }
                    case 5: {
                            if (u !== 0)
                                break;
                            if (v = r.uint32())
                                m.sampleCount = v;
                            else
                                delete m.sampleCount;
                            continue;
                        }
                    case 6: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.gpuMemoryBytes = v;
                            else
                                delete m.gpuMemoryBytes;
                            continue;
                        }
                    case 7: {
                            if (u !== 0)
                                break;
                            if (v = r.uint32())
                                m.gpuInstanceId = v;
                            else
                                delete m.gpuInstanceId;
                            continue;
                        }
                    case 8: {
                            if (u !== 0)
                                break;
                            if (v = r.uint32())
                                m.computeInstanceId = v;
                            else
                                delete m.computeInstanceId;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Creates a GpuProcessUsage message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof wattprint.v1.GpuProcessUsage
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {wattprint.v1.GpuProcessUsage} GpuProcessUsage
             */
            GpuProcessUsage.fromObject = function (d, q) {
                if (d instanceof $root.wattprint.v1.GpuProcessUsage)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".wattprint.v1.GpuProcessUsage: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.wattprint.v1.GpuProcessUsage();
                if (d.gpuUuid != null) {
                    if (typeof d.gpuUuid !== "string" || d.gpuUuid.length) {
                        m.gpuUuid = $String(d.gpuUuid);
                    }
                }
                if (d.pid != null) {
                    if ($Number(d.pid) !== 0) {
                        m.pid = d.pid >>> 0;
                    }
                }
                if (d.smUtil != null) {
                    if (!$Object.is($Number(d.smUtil), 0)) {
                        m.smUtil = $Number(d.smUtil);
                    }
                }
                if (d.memUtil != null) {
                    if (!$Object.is($Number(d.memUtil), 0)) {
                        m.memUtil = $Number(d.memUtil);
                    }
                }
                if (d.sampleCount != null) {
                    if ($Number(d.sampleCount) !== 0) {
                        m.sampleCount = d.sampleCount >>> 0;
                    }
                }
                if (d.gpuMemoryBytes != null) {
                    if (typeof d.gpuMemoryBytes === "object" ? d.gpuMemoryBytes.low || d.gpuMemoryBytes.high : $Number(d.gpuMemoryBytes) !== 0) {
                        if ($util.Long)
                            m.gpuMemoryBytes = $util.Long.fromValue(d.gpuMemoryBytes, true);
                        else if (typeof d.gpuMemoryBytes === "string")
                            m.gpuMemoryBytes = $parseInt(d.gpuMemoryBytes, 10);
                        else if (typeof d.gpuMemoryBytes === "number")
                            m.gpuMemoryBytes = d.gpuMemoryBytes;
                        else if (typeof d.gpuMemoryBytes === "object")
                            m.gpuMemoryBytes = new $util.LongBits(d.gpuMemoryBytes.low >>> 0, d.gpuMemoryBytes.high >>> 0).toNumber(true);
                    }
                }
                if (d.gpuInstanceId != null) {
                    if ($Number(d.gpuInstanceId) !== 0) {
                        m.gpuInstanceId = d.gpuInstanceId >>> 0;
                    }
                }
                if (d.computeInstanceId != null) {
                    if ($Number(d.computeInstanceId) !== 0) {
                        m.computeInstanceId = d.computeInstanceId >>> 0;
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a GpuProcessUsage message. Also converts values to other types if specified.
             * @function toObject
             * @memberof wattprint.v1.GpuProcessUsage
             * @static
             * @param {wattprint.v1.GpuProcessUsage} m GpuProcessUsage
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            GpuProcessUsage.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.defaults) {
                    d.gpuUuid = "";
                    d.pid = 0;
                    d.smUtil = 0;
                    d.memUtil = 0;
                    d.sampleCount = 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.gpuMemoryBytes = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.gpuMemoryBytes = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    d.gpuInstanceId = 0;
                    d.computeInstanceId = 0;
                }
                if (m.gpuUuid != null && $Object.hasOwnProperty.call(m, "gpuUuid")) {
                    d.gpuUuid = m.gpuUuid;
                }
                if (m.pid != null && $Object.hasOwnProperty.call(m, "pid")) {
                    d.pid = m.pid;
                }
                if (m.smUtil != null && $Object.hasOwnProperty.call(m, "smUtil")) {
                    d.smUtil = o.json && !$isFinite(m.smUtil) ? $String(m.smUtil) : m.smUtil;
                }
                if (m.memUtil != null && $Object.hasOwnProperty.call(m, "memUtil")) {
                    d.memUtil = o.json && !$isFinite(m.memUtil) ? $String(m.memUtil) : m.memUtil;
                }
                if (m.sampleCount != null && $Object.hasOwnProperty.call(m, "sampleCount")) {
                    d.sampleCount = m.sampleCount;
                }
                if (m.gpuMemoryBytes != null && $Object.hasOwnProperty.call(m, "gpuMemoryBytes")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.gpuMemoryBytes = typeof m.gpuMemoryBytes === "number" ? $BigInt(m.gpuMemoryBytes) : $util.Long.fromBits(m.gpuMemoryBytes.low >>> 0, m.gpuMemoryBytes.high >>> 0, true).toBigInt();
                    else if (typeof m.gpuMemoryBytes === "number")
                        d.gpuMemoryBytes = o.longs === $String ? $String(m.gpuMemoryBytes) : m.gpuMemoryBytes;
                    else
                        d.gpuMemoryBytes = o.longs === $String ? $util.Long.prototype.toString.call(m.gpuMemoryBytes) : o.longs === $Number ? new $util.LongBits(m.gpuMemoryBytes.low >>> 0, m.gpuMemoryBytes.high >>> 0).toNumber(true) : m.gpuMemoryBytes;
                }
                if (m.gpuInstanceId != null && $Object.hasOwnProperty.call(m, "gpuInstanceId")) {
                    d.gpuInstanceId = m.gpuInstanceId;
                }
                if (m.computeInstanceId != null && $Object.hasOwnProperty.call(m, "computeInstanceId")) {
                    d.computeInstanceId = m.computeInstanceId;
                }
                return d;
            };

            /**
             * Converts this GpuProcessUsage to JSON.
             * @function toJSON
             * @memberof wattprint.v1.GpuProcessUsage
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            GpuProcessUsage.prototype.toJSON = function() {
                return GpuProcessUsage.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for GpuProcessUsage
             * @function getTypeUrl
             * @memberof wattprint.v1.GpuProcessUsage
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            GpuProcessUsage.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/wattprint.v1.GpuProcessUsage";
            };

            return GpuProcessUsage;
        })();

        v1.JobProgress = (function() {

            /**
             * Properties of a JobProgress.
             * @typedef {Object} wattprint.v1.JobProgress.$Properties
             * @property {string|null} [jobId] JobProgress jobId
             * @property {number|null} [tokens] JobProgress tokens
             * @property {number|null} [examples] JobProgress examples
             * @property {number|null} [steps] JobProgress steps
             * @property {number|null} [tokensUnpadded] JobProgress tokensUnpadded
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a JobProgress.
             * @memberof wattprint.v1
             * @interface IJobProgress
             * @augments wattprint.v1.JobProgress.$Properties
             * @deprecated Use wattprint.v1.JobProgress.$Properties instead.
             */

            /**
             * Shape of a JobProgress.
             * @typedef {wattprint.v1.JobProgress.$Properties} wattprint.v1.JobProgress.$Shape
             */

            /**
             * Constructs a new JobProgress.
             * @memberof wattprint.v1
             * @classdesc Represents a JobProgress.
             * @constructor
             * @param {wattprint.v1.JobProgress.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const JobProgress = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * JobProgress jobId.
             * @member {string} jobId
             * @memberof wattprint.v1.JobProgress
             * @instance
             */
            JobProgress.prototype.jobId = "";

            /**
             * JobProgress tokens.
             * @member {number} tokens
             * @memberof wattprint.v1.JobProgress
             * @instance
             */
            JobProgress.prototype.tokens = 0;

            /**
             * JobProgress examples.
             * @member {number} examples
             * @memberof wattprint.v1.JobProgress
             * @instance
             */
            JobProgress.prototype.examples = 0;

            /**
             * JobProgress steps.
             * @member {number} steps
             * @memberof wattprint.v1.JobProgress
             * @instance
             */
            JobProgress.prototype.steps = 0;

            /**
             * JobProgress tokensUnpadded.
             * @member {number} tokensUnpadded
             * @memberof wattprint.v1.JobProgress
             * @instance
             */
            JobProgress.prototype.tokensUnpadded = 0;

            /**
             * Creates a new JobProgress instance using the specified properties.
             * @function create
             * @memberof wattprint.v1.JobProgress
             * @static
             * @param {wattprint.v1.JobProgress.$Properties=} [properties] Properties to set
             * @returns {wattprint.v1.JobProgress} JobProgress instance
             * @type {{
             *   (properties: wattprint.v1.JobProgress.$Shape): wattprint.v1.JobProgress & wattprint.v1.JobProgress.$Shape;
             *   (properties?: wattprint.v1.JobProgress.$Properties): wattprint.v1.JobProgress;
             * }}
             */
            JobProgress.create = function(properties) {
                return new JobProgress(properties);
            };

            /**
             * Encodes the specified JobProgress message. Does not implicitly {@link wattprint.v1.JobProgress.verify|verify} messages.
             * @function encode
             * @memberof wattprint.v1.JobProgress
             * @static
             * @param {wattprint.v1.JobProgress.$Properties} m JobProgress message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            JobProgress.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.jobId != null && $Object.hasOwnProperty.call(m, "jobId") && m.jobId !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.jobId);
                if (m.tokens != null && $Object.hasOwnProperty.call(m, "tokens") && !$Object.is(m.tokens, 0))
                    w.uint32(/* id 2, wireType 1 =*/17).double(m.tokens);
                if (m.examples != null && $Object.hasOwnProperty.call(m, "examples") && !$Object.is(m.examples, 0))
                    w.uint32(/* id 3, wireType 1 =*/25).double(m.examples);
                if (m.steps != null && $Object.hasOwnProperty.call(m, "steps") && !$Object.is(m.steps, 0))
                    w.uint32(/* id 4, wireType 1 =*/33).double(m.steps);
                if (m.tokensUnpadded != null && $Object.hasOwnProperty.call(m, "tokensUnpadded") && !$Object.is(m.tokensUnpadded, 0))
                    w.uint32(/* id 5, wireType 1 =*/41).double(m.tokensUnpadded);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a JobProgress message from the specified reader or buffer.
             * @function decode
             * @memberof wattprint.v1.JobProgress
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {wattprint.v1.JobProgress & wattprint.v1.JobProgress.$Shape} JobProgress
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            JobProgress.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.wattprint.v1.JobProgress();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.jobId = v;
                            else
                                delete m.jobId;
                            continue;
                        }
                    case 2: {
                            if (u !== 1)
                                break;
                            if (!$Object.is(v = r.double(), 0))
                                m.tokens = v;
                            else
                                delete m.tokens;
                            continue;
                        }
                    case 3: {
                            if (u !== 1)
                                break;
                            if (!$Object.is(v = r.double(), 0))
                                m.examples = v;
                            else
                                delete m.examples;
                            continue;
                        }
                    case 4: {
                            if (u !== 1)
                                break;
                            if (!$Object.is(v = r.double(), 0))
                                m.steps = v;
                            else
                                delete m.steps;
                            continue;
                        }
                    case 5: {
                            if (u !== 1)
                                break;
                            if (!$Object.is(v = r.double(), 0))
                                m.tokensUnpadded = v;
                            else
                                delete m.tokensUnpadded;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Creates a JobProgress message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof wattprint.v1.JobProgress
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {wattprint.v1.JobProgress} JobProgress
             */
            JobProgress.fromObject = function (d, q) {
                if (d instanceof $root.wattprint.v1.JobProgress)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".wattprint.v1.JobProgress: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.wattprint.v1.JobProgress();
                if (d.jobId != null) {
                    if (typeof d.jobId !== "string" || d.jobId.length) {
                        m.jobId = $String(d.jobId);
                    }
                }
                if (d.tokens != null) {
                    if (!$Object.is($Number(d.tokens), 0)) {
                        m.tokens = $Number(d.tokens);
                    }
                }
                if (d.examples != null) {
                    if (!$Object.is($Number(d.examples), 0)) {
                        m.examples = $Number(d.examples);
                    }
                }
                if (d.steps != null) {
                    if (!$Object.is($Number(d.steps), 0)) {
                        m.steps = $Number(d.steps);
                    }
                }
                if (d.tokensUnpadded != null) {
                    if (!$Object.is($Number(d.tokensUnpadded), 0)) {
                        m.tokensUnpadded = $Number(d.tokensUnpadded);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a JobProgress message. Also converts values to other types if specified.
             * @function toObject
             * @memberof wattprint.v1.JobProgress
             * @static
             * @param {wattprint.v1.JobProgress} m JobProgress
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            JobProgress.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.defaults) {
                    d.jobId = "";
                    d.tokens = 0;
                    d.examples = 0;
                    d.steps = 0;
                    d.tokensUnpadded = 0;
                }
                if (m.jobId != null && $Object.hasOwnProperty.call(m, "jobId")) {
                    d.jobId = m.jobId;
                }
                if (m.tokens != null && $Object.hasOwnProperty.call(m, "tokens")) {
                    d.tokens = o.json && !$isFinite(m.tokens) ? $String(m.tokens) : m.tokens;
                }
                if (m.examples != null && $Object.hasOwnProperty.call(m, "examples")) {
                    d.examples = o.json && !$isFinite(m.examples) ? $String(m.examples) : m.examples;
                }
                if (m.steps != null && $Object.hasOwnProperty.call(m, "steps")) {
                    d.steps = o.json && !$isFinite(m.steps) ? $String(m.steps) : m.steps;
                }
                if (m.tokensUnpadded != null && $Object.hasOwnProperty.call(m, "tokensUnpadded")) {
                    d.tokensUnpadded = o.json && !$isFinite(m.tokensUnpadded) ? $String(m.tokensUnpadded) : m.tokensUnpadded;
                }
                return d;
            };

            /**
             * Converts this JobProgress to JSON.
             * @function toJSON
             * @memberof wattprint.v1.JobProgress
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            JobProgress.prototype.toJSON = function() {
                return JobProgress.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for JobProgress
             * @function getTypeUrl
             * @memberof wattprint.v1.JobProgress
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            JobProgress.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/wattprint.v1.JobProgress";
            };

            return JobProgress;
        })();

        v1.SourceStatus = (function() {

            /**
             * Properties of a SourceStatus.
             * @typedef {Object} wattprint.v1.SourceStatus.$Properties
             * @property {string|null} [source] SourceStatus source
             * @property {boolean|null} [ok] SourceStatus ok
             * @property {string|null} [reason] SourceStatus reason
             * @property {string|null} [fix] SourceStatus fix
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a SourceStatus.
             * @memberof wattprint.v1
             * @interface ISourceStatus
             * @augments wattprint.v1.SourceStatus.$Properties
             * @deprecated Use wattprint.v1.SourceStatus.$Properties instead.
             */

            /**
             * Shape of a SourceStatus.
             * @typedef {wattprint.v1.SourceStatus.$Properties} wattprint.v1.SourceStatus.$Shape
             */

            /**
             * Constructs a new SourceStatus.
             * @memberof wattprint.v1
             * @classdesc Represents a SourceStatus.
             * @constructor
             * @param {wattprint.v1.SourceStatus.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const SourceStatus = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * SourceStatus source.
             * @member {string} source
             * @memberof wattprint.v1.SourceStatus
             * @instance
             */
            SourceStatus.prototype.source = "";

            /**
             * SourceStatus ok.
             * @member {boolean} ok
             * @memberof wattprint.v1.SourceStatus
             * @instance
             */
            SourceStatus.prototype.ok = false;

            /**
             * SourceStatus reason.
             * @member {string} reason
             * @memberof wattprint.v1.SourceStatus
             * @instance
             */
            SourceStatus.prototype.reason = "";

            /**
             * SourceStatus fix.
             * @member {string} fix
             * @memberof wattprint.v1.SourceStatus
             * @instance
             */
            SourceStatus.prototype.fix = "";

            /**
             * Creates a new SourceStatus instance using the specified properties.
             * @function create
             * @memberof wattprint.v1.SourceStatus
             * @static
             * @param {wattprint.v1.SourceStatus.$Properties=} [properties] Properties to set
             * @returns {wattprint.v1.SourceStatus} SourceStatus instance
             * @type {{
             *   (properties: wattprint.v1.SourceStatus.$Shape): wattprint.v1.SourceStatus & wattprint.v1.SourceStatus.$Shape;
             *   (properties?: wattprint.v1.SourceStatus.$Properties): wattprint.v1.SourceStatus;
             * }}
             */
            SourceStatus.create = function(properties) {
                return new SourceStatus(properties);
            };

            /**
             * Encodes the specified SourceStatus message. Does not implicitly {@link wattprint.v1.SourceStatus.verify|verify} messages.
             * @function encode
             * @memberof wattprint.v1.SourceStatus
             * @static
             * @param {wattprint.v1.SourceStatus.$Properties} m SourceStatus message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            SourceStatus.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.source != null && $Object.hasOwnProperty.call(m, "source") && m.source !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.source);
                if (m.ok != null && $Object.hasOwnProperty.call(m, "ok") && m.ok !== false)
                    w.uint32(/* id 2, wireType 0 =*/16).bool(m.ok);
                if (m.reason != null && $Object.hasOwnProperty.call(m, "reason") && m.reason !== "")
                    w.uint32(/* id 3, wireType 2 =*/26).string(m.reason);
                if (m.fix != null && $Object.hasOwnProperty.call(m, "fix") && m.fix !== "")
                    w.uint32(/* id 4, wireType 2 =*/34).string(m.fix);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a SourceStatus message from the specified reader or buffer.
             * @function decode
             * @memberof wattprint.v1.SourceStatus
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {wattprint.v1.SourceStatus & wattprint.v1.SourceStatus.$Shape} SourceStatus
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            SourceStatus.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.wattprint.v1.SourceStatus();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.source = v;
                            else
                                delete m.source;
                            continue;
                        }
                    case 2: {
                            if (u !== 0)
                                break;
                            if (v = r.bool())
                                m.ok = v;
                            else
                                delete m.ok;
                            continue;
                        }
                    case 3: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.reason = v;
                            else
                                delete m.reason;
                            continue;
                        }
                    case 4: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.fix = v;
                            else
                                delete m.fix;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Creates a SourceStatus message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof wattprint.v1.SourceStatus
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {wattprint.v1.SourceStatus} SourceStatus
             */
            SourceStatus.fromObject = function (d, q) {
                if (d instanceof $root.wattprint.v1.SourceStatus)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".wattprint.v1.SourceStatus: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.wattprint.v1.SourceStatus();
                if (d.source != null) {
                    if (typeof d.source !== "string" || d.source.length) {
                        m.source = $String(d.source);
                    }
                }
                if (d.ok != null) {
                    if (d.ok) {
                        m.ok = $Boolean(d.ok);
                    }
                }
                if (d.reason != null) {
                    if (typeof d.reason !== "string" || d.reason.length) {
                        m.reason = $String(d.reason);
                    }
                }
                if (d.fix != null) {
                    if (typeof d.fix !== "string" || d.fix.length) {
                        m.fix = $String(d.fix);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a SourceStatus message. Also converts values to other types if specified.
             * @function toObject
             * @memberof wattprint.v1.SourceStatus
             * @static
             * @param {wattprint.v1.SourceStatus} m SourceStatus
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            SourceStatus.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.defaults) {
                    d.source = "";
                    d.ok = false;
                    d.reason = "";
                    d.fix = "";
                }
                if (m.source != null && $Object.hasOwnProperty.call(m, "source")) {
                    d.source = m.source;
                }
                if (m.ok != null && $Object.hasOwnProperty.call(m, "ok")) {
                    d.ok = m.ok;
                }
                if (m.reason != null && $Object.hasOwnProperty.call(m, "reason")) {
                    d.reason = m.reason;
                }
                if (m.fix != null && $Object.hasOwnProperty.call(m, "fix")) {
                    d.fix = m.fix;
                }
                return d;
            };

            /**
             * Converts this SourceStatus to JSON.
             * @function toJSON
             * @memberof wattprint.v1.SourceStatus
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            SourceStatus.prototype.toJSON = function() {
                return SourceStatus.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for SourceStatus
             * @function getTypeUrl
             * @memberof wattprint.v1.SourceStatus
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            SourceStatus.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/wattprint.v1.SourceStatus";
            };

            return SourceStatus;
        })();

        v1.Report = (function() {

            /**
             * Properties of a Report.
             * @typedef {Object} wattprint.v1.Report.$Properties
             * @property {string|null} [host] Report host
             * @property {number|null} [seq] Report seq
             * @property {number|null} [startUs] Report startUs
             * @property {number|null} [endUs] Report endUs
             * @property {Array.<wattprint.v1.EnergyReading.$Properties>|null} [energy] Report energy
             * @property {Array.<wattprint.v1.ProcessUsage.$Properties>|null} [processes] Report processes
             * @property {Array.<wattprint.v1.GpuProcessUsage.$Properties>|null} [gpuProcesses] Report gpuProcesses
             * @property {Array.<wattprint.v1.JobProgress.$Properties>|null} [progress] Report progress
             * @property {number|null} [cpuBusySeconds] Report cpuBusySeconds
             * @property {number|null} [cpuIdleSeconds] Report cpuIdleSeconds
             * @property {number|null} [cpuCount] Report cpuCount
             * @property {Array.<wattprint.v1.SourceStatus.$Properties>|null} [sources] Report sources
             * @property {string|null} [bootId] Report bootId
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Report.
             * @memberof wattprint.v1
             * @interface IReport
             * @augments wattprint.v1.Report.$Properties
             * @deprecated Use wattprint.v1.Report.$Properties instead.
             */

            /**
             * Shape of a Report.
             * @typedef {wattprint.v1.Report.$Properties} wattprint.v1.Report.$Shape
             */

            /**
             * Constructs a new Report.
             * @memberof wattprint.v1
             * @classdesc Represents a Report.
             * @constructor
             * @param {wattprint.v1.Report.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Report = function (p) {
                this.energy = [];
                this.processes = [];
                this.gpuProcesses = [];
                this.progress = [];
                this.sources = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * Report host.
             * @member {string} host
             * @memberof wattprint.v1.Report
             * @instance
             */
            Report.prototype.host = "";

            /**
             * Report seq.
             * @member {number} seq
             * @memberof wattprint.v1.Report
             * @instance
             */
            Report.prototype.seq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Report startUs.
             * @member {number} startUs
             * @memberof wattprint.v1.Report
             * @instance
             */
            Report.prototype.startUs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Report endUs.
             * @member {number} endUs
             * @memberof wattprint.v1.Report
             * @instance
             */
            Report.prototype.endUs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Report energy.
             * @member {Array.<wattprint.v1.EnergyReading.$Properties>} energy
             * @memberof wattprint.v1.Report
             * @instance
             */
            Report.prototype.energy = $util.emptyArray;

            /**
             * Report processes.
             * @member {Array.<wattprint.v1.ProcessUsage.$Properties>} processes
             * @memberof wattprint.v1.Report
             * @instance
             */
            Report.prototype.processes = $util.emptyArray;

            /**
             * Report gpuProcesses.
             * @member {Array.<wattprint.v1.GpuProcessUsage.$Properties>} gpuProcesses
             * @memberof wattprint.v1.Report
             * @instance
             */
            Report.prototype.gpuProcesses = $util.emptyArray;

            /**
             * Report progress.
             * @member {Array.<wattprint.v1.JobProgress.$Properties>} progress
             * @memberof wattprint.v1.Report
             * @instance
             */
            Report.prototype.progress = $util.emptyArray;

            /**
             * Report cpuBusySeconds.
             * @member {number} cpuBusySeconds
             * @memberof wattprint.v1.Report
             * @instance
             */
            Report.prototype.cpuBusySeconds = 0;

            /**
             * Report cpuIdleSeconds.
             * @member {number} cpuIdleSeconds
             * @memberof wattprint.v1.Report
             * @instance
             */
            Report.prototype.cpuIdleSeconds = 0;

            /**
             * Report cpuCount.
             * @member {number} cpuCount
             * @memberof wattprint.v1.Report
             * @instance
             */
            Report.prototype.cpuCount = 0;

            /**
             * Report sources.
             * @member {Array.<wattprint.v1.SourceStatus.$Properties>} sources
             * @memberof wattprint.v1.Report
             * @instance
             */
            Report.prototype.sources = $util.emptyArray;

            /**
             * Report bootId.
             * @member {string} bootId
             * @memberof wattprint.v1.Report
             * @instance
             */
            Report.prototype.bootId = "";

            /**
             * Creates a new Report instance using the specified properties.
             * @function create
             * @memberof wattprint.v1.Report
             * @static
             * @param {wattprint.v1.Report.$Properties=} [properties] Properties to set
             * @returns {wattprint.v1.Report} Report instance
             * @type {{
             *   (properties: wattprint.v1.Report.$Shape): wattprint.v1.Report & wattprint.v1.Report.$Shape;
             *   (properties?: wattprint.v1.Report.$Properties): wattprint.v1.Report;
             * }}
             */
            Report.create = function(properties) {
                return new Report(properties);
            };

            /**
             * Encodes the specified Report message. Does not implicitly {@link wattprint.v1.Report.verify|verify} messages.
             * @function encode
             * @memberof wattprint.v1.Report
             * @static
             * @param {wattprint.v1.Report.$Properties} m Report message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Report.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.host != null && $Object.hasOwnProperty.call(m, "host") && m.host !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.host);
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq") && (typeof m.seq === "object" ? m.seq.low || m.seq.high : m.seq !== 0))
                    w.uint32(/* id 2, wireType 0 =*/16).uint64(m.seq);
                if (m.startUs != null && $Object.hasOwnProperty.call(m, "startUs") && (typeof m.startUs === "object" ? m.startUs.low || m.startUs.high : m.startUs !== 0))
                    w.uint32(/* id 3, wireType 0 =*/24).uint64(m.startUs);
                if (m.endUs != null && $Object.hasOwnProperty.call(m, "endUs") && (typeof m.endUs === "object" ? m.endUs.low || m.endUs.high : m.endUs !== 0))
                    w.uint32(/* id 4, wireType 0 =*/32).uint64(m.endUs);
                if (m.energy != null && m.energy.length) {
                    for (var i = 0; i < m.energy.length; ++i)
                        $root.wattprint.v1.EnergyReading.encode(m.energy[i], w.uint32(/* id 5, wireType 2 =*/42).fork(), q + 1).ldelim();
                }
                if (m.processes != null && m.processes.length) {
                    for (var i = 0; i < m.processes.length; ++i)
                        $root.wattprint.v1.ProcessUsage.encode(m.processes[i], w.uint32(/* id 6, wireType 2 =*/50).fork(), q + 1).ldelim();
                }
                if (m.gpuProcesses != null && m.gpuProcesses.length) {
                    for (var i = 0; i < m.gpuProcesses.length; ++i)
                        $root.wattprint.v1.GpuProcessUsage.encode(m.gpuProcesses[i], w.uint32(/* id 7, wireType 2 =*/58).fork(), q + 1).ldelim();
                }
                if (m.progress != null && m.progress.length) {
                    for (var i = 0; i < m.progress.length; ++i)
                        $root.wattprint.v1.JobProgress.encode(m.progress[i], w.uint32(/* id 8, wireType 2 =*/66).fork(), q + 1).ldelim();
                }
                if (m.cpuBusySeconds != null && $Object.hasOwnProperty.call(m, "cpuBusySeconds") && !$Object.is(m.cpuBusySeconds, 0))
                    w.uint32(/* id 9, wireType 1 =*/73).double(m.cpuBusySeconds);
                if (m.cpuIdleSeconds != null && $Object.hasOwnProperty.call(m, "cpuIdleSeconds") && !$Object.is(m.cpuIdleSeconds, 0))
                    w.uint32(/* id 10, wireType 1 =*/81).double(m.cpuIdleSeconds);
                if (m.cpuCount != null && $Object.hasOwnProperty.call(m, "cpuCount") && m.cpuCount !== 0)
                    w.uint32(/* id 11, wireType 0 =*/88).uint32(m.cpuCount);
                if (m.sources != null && m.sources.length) {
                    for (var i = 0; i < m.sources.length; ++i)
                        $root.wattprint.v1.SourceStatus.encode(m.sources[i], w.uint32(/* id 12, wireType 2 =*/98).fork(), q + 1).ldelim();
                }
                if (m.bootId != null && $Object.hasOwnProperty.call(m, "bootId") && m.bootId !== "")
                    w.uint32(/* id 13, wireType 2 =*/106).string(m.bootId);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a Report message from the specified reader or buffer.
             * @function decode
             * @memberof wattprint.v1.Report
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {wattprint.v1.Report & wattprint.v1.Report.$Shape} Report
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Report.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.wattprint.v1.Report();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.host = v;
                            else
                                delete m.host;
                            continue;
                        }
                    case 2: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.seq = v;
                            else
                                delete m.seq;
                            continue;
                        }
                    case 3: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.startUs = v;
                            else
                                delete m.startUs;
                            continue;
                        }
                    case 4: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.endUs = v;
                            else
                                delete m.endUs;
                            continue;
                        }
                    case 5: {
                            if (u !== 2)
                                break;
                            if (!(m.energy && m.energy.length))
                                m.energy = [];
                            m.energy.push($root.wattprint.v1.EnergyReading.decode(r, r.size(), $undefined, q + 1));
                            continue;
                        }
                    case 6: {
                            if (u !== 2)
                                break;
                            if (!(m.processes && m.processes.length))
                                m.processes = [];
                            m.processes.push($root.wattprint.v1.ProcessUsage.decode(r, r.size(), $undefined, q + 1));
                            continue;
                        }
                    case 7: {
                            if (u !== 2)
                                break;
                            if (!(m.gpuProcesses && m.gpuProcesses.length))
                                m.gpuProcesses = [];
                            m.gpuProcesses.push($root.wattprint.v1.GpuProcessUsage.decode(r, r.size(), $undefined, q + 1));
                            continue;
                        }
                    case 8: {
                            if (u !== 2)
                                break;
                            if (!(m.progress && m.progress.length))
                                m.progress = [];
                            m.progress.push($root.wattprint.v1.JobProgress.decode(r, r.size(), $undefined, q + 1));
                            continue;
                        }
                    case 9: {
                            if (u !== 1)
                                break;
                            if (!$Object.is(v = r.double(), 0))
                                m.cpuBusySeconds = v;
                            else
                                delete m.cpuBusySeconds;
                            continue;
                        }
                    case 10: {
                            if (u !== 1)
                                break;
                            if (!$Object.is(v = r.double(), 0))
                                m.cpuIdleSeconds = v;
                            else
                                delete m.cpuIdleSeconds;
                            continue;
                        }
                    case 11: {
                            if (u !== 0)
                                break;
                            if (v = r.uint32())
                                m.cpuCount = v;
                            else
                                delete m.cpuCount;
                            continue;
                        }
                    case 12: {
                            if (u !== 2)
                                break;
                            if (!(m.sources && m.sources.length))
                                m.sources = [];
                            m.sources.push($root.wattprint.v1.SourceStatus.decode(r, r.size(), $undefined, q + 1));
                            continue;
                        }
                    case 13: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.bootId = v;
                            else
                                delete m.bootId;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Creates a Report message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof wattprint.v1.Report
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {wattprint.v1.Report} Report
             */
            Report.fromObject = function (d, q) {
                if (d instanceof $root.wattprint.v1.Report)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".wattprint.v1.Report: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.wattprint.v1.Report();
                if (d.host != null) {
                    if (typeof d.host !== "string" || d.host.length) {
                        m.host = $String(d.host);
                    }
                }
                if (d.seq != null) {
                    if (typeof d.seq === "object" ? d.seq.low || d.seq.high : $Number(d.seq) !== 0) {
                        if ($util.Long)
                            m.seq = $util.Long.fromValue(d.seq, true);
                        else if (typeof d.seq === "string")
                            m.seq = $parseInt(d.seq, 10);
                        else if (typeof d.seq === "number")
                            m.seq = d.seq;
                        else if (typeof d.seq === "object")
                            m.seq = new $util.LongBits(d.seq.low >>> 0, d.seq.high >>> 0).toNumber(true);
                    }
                }
                if (d.startUs != null) {
                    if (typeof d.startUs === "object" ? d.startUs.low || d.startUs.high : $Number(d.startUs) !== 0) {
                        if ($util.Long)
                            m.startUs = $util.Long.fromValue(d.startUs, true);
                        else if (typeof d.startUs === "string")
                            m.startUs = $parseInt(d.startUs, 10);
                        else if (typeof d.startUs === "number")
                            m.startUs = d.startUs;
                        else if (typeof d.startUs === "object")
                            m.startUs = new $util.LongBits(d.startUs.low >>> 0, d.startUs.high >>> 0).toNumber(true);
                    }
                }
                if (d.endUs != null) {
                    if (typeof d.endUs === "object" ? d.endUs.low || d.endUs.high : $Number(d.endUs) !== 0) {
                        if ($util.Long)
                            m.endUs = $util.Long.fromValue(d.endUs, true);
                        else if (typeof d.endUs === "string")
                            m.endUs = $parseInt(d.endUs, 10);
                        else if (typeof d.endUs === "number")
                            m.endUs = d.endUs;
                        else if (typeof d.endUs === "object")
                            m.endUs = new $util.LongBits(d.endUs.low >>> 0, d.endUs.high >>> 0).toNumber(true);
                    }
                }
                if (d.energy) {
                    if (!$Array.isArray(d.energy))
                        throw $TypeError(".wattprint.v1.Report.energy: array expected");
                    m.energy = $Array(d.energy.length);
                    for (var i = 0; i < d.energy.length; ++i) {
                        if (!$util.isObject(d.energy[i]))
                            throw $TypeError(".wattprint.v1.Report.energy: object expected");
                        m.energy[i] = $root.wattprint.v1.EnergyReading.fromObject(d.energy[i], q + 1);
                    }
                }
                if (d.processes) {
                    if (!$Array.isArray(d.processes))
                        throw $TypeError(".wattprint.v1.Report.processes: array expected");
                    m.processes = $Array(d.processes.length);
                    for (var i = 0; i < d.processes.length; ++i) {
                        if (!$util.isObject(d.processes[i]))
                            throw $TypeError(".wattprint.v1.Report.processes: object expected");
                        m.processes[i] = $root.wattprint.v1.ProcessUsage.fromObject(d.processes[i], q + 1);
                    }
                }
                if (d.gpuProcesses) {
                    if (!$Array.isArray(d.gpuProcesses))
                        throw $TypeError(".wattprint.v1.Report.gpuProcesses: array expected");
                    m.gpuProcesses = $Array(d.gpuProcesses.length);
                    for (var i = 0; i < d.gpuProcesses.length; ++i) {
                        if (!$util.isObject(d.gpuProcesses[i]))
                            throw $TypeError(".wattprint.v1.Report.gpuProcesses: object expected");
                        m.gpuProcesses[i] = $root.wattprint.v1.GpuProcessUsage.fromObject(d.gpuProcesses[i], q + 1);
                    }
                }
                if (d.progress) {
                    if (!$Array.isArray(d.progress))
                        throw $TypeError(".wattprint.v1.Report.progress: array expected");
                    m.progress = $Array(d.progress.length);
                    for (var i = 0; i < d.progress.length; ++i) {
                        if (!$util.isObject(d.progress[i]))
                            throw $TypeError(".wattprint.v1.Report.progress: object expected");
                        m.progress[i] = $root.wattprint.v1.JobProgress.fromObject(d.progress[i], q + 1);
                    }
                }
                if (d.cpuBusySeconds != null) {
                    if (!$Object.is($Number(d.cpuBusySeconds), 0)) {
                        m.cpuBusySeconds = $Number(d.cpuBusySeconds);
                    }
                }
                if (d.cpuIdleSeconds != null) {
                    if (!$Object.is($Number(d.cpuIdleSeconds), 0)) {
                        m.cpuIdleSeconds = $Number(d.cpuIdleSeconds);
                    }
                }
                if (d.cpuCount != null) {
                    if ($Number(d.cpuCount) !== 0) {
                        m.cpuCount = d.cpuCount >>> 0;
                    }
                }
                if (d.sources) {
                    if (!$Array.isArray(d.sources))
                        throw $TypeError(".wattprint.v1.Report.sources: array expected");
                    m.sources = $Array(d.sources.length);
                    for (var i = 0; i < d.sources.length; ++i) {
                        if (!$util.isObject(d.sources[i]))
                            throw $TypeError(".wattprint.v1.Report.sources: object expected");
                        m.sources[i] = $root.wattprint.v1.SourceStatus.fromObject(d.sources[i], q + 1);
                    }
                }
                if (d.bootId != null) {
                    if (typeof d.bootId !== "string" || d.bootId.length) {
                        m.bootId = $String(d.bootId);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a Report message. Also converts values to other types if specified.
             * @function toObject
             * @memberof wattprint.v1.Report
             * @static
             * @param {wattprint.v1.Report} m Report
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Report.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.arrays || o.defaults) {
                    d.energy = [];
                    d.processes = [];
                    d.gpuProcesses = [];
                    d.progress = [];
                    d.sources = [];
                }
                if (o.defaults) {
                    d.host = "";
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.seq = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.seq = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.startUs = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.startUs = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.endUs = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.endUs = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    d.cpuBusySeconds = 0;
                    d.cpuIdleSeconds = 0;
                    d.cpuCount = 0;
                    d.bootId = "";
                }
                if (m.host != null && $Object.hasOwnProperty.call(m, "host")) {
                    d.host = m.host;
                }
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.seq = typeof m.seq === "number" ? $BigInt(m.seq) : $util.Long.fromBits(m.seq.low >>> 0, m.seq.high >>> 0, true).toBigInt();
                    else if (typeof m.seq === "number")
                        d.seq = o.longs === $String ? $String(m.seq) : m.seq;
                    else
                        d.seq = o.longs === $String ? $util.Long.prototype.toString.call(m.seq) : o.longs === $Number ? new $util.LongBits(m.seq.low >>> 0, m.seq.high >>> 0).toNumber(true) : m.seq;
                }
                if (m.startUs != null && $Object.hasOwnProperty.call(m, "startUs")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.startUs = typeof m.startUs === "number" ? $BigInt(m.startUs) : $util.Long.fromBits(m.startUs.low >>> 0, m.startUs.high >>> 0, true).toBigInt();
                    else if (typeof m.startUs === "number")
                        d.startUs = o.longs === $String ? $String(m.startUs) : m.startUs;
                    else
                        d.startUs = o.longs === $String ? $util.Long.prototype.toString.call(m.startUs) : o.longs === $Number ? new $util.LongBits(m.startUs.low >>> 0, m.startUs.high >>> 0).toNumber(true) : m.startUs;
                }
                if (m.endUs != null && $Object.hasOwnProperty.call(m, "endUs")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.endUs = typeof m.endUs === "number" ? $BigInt(m.endUs) : $util.Long.fromBits(m.endUs.low >>> 0, m.endUs.high >>> 0, true).toBigInt();
                    else if (typeof m.endUs === "number")
                        d.endUs = o.longs === $String ? $String(m.endUs) : m.endUs;
                    else
                        d.endUs = o.longs === $String ? $util.Long.prototype.toString.call(m.endUs) : o.longs === $Number ? new $util.LongBits(m.endUs.low >>> 0, m.endUs.high >>> 0).toNumber(true) : m.endUs;
                }
                if (m.energy && m.energy.length) {
                    d.energy = $Array(m.energy.length);
                    for (var j = 0; j < m.energy.length; ++j) {
                        d.energy[j] = $root.wattprint.v1.EnergyReading.toObject(m.energy[j], o, q + 1);
                    }
                }
                if (m.processes && m.processes.length) {
                    d.processes = $Array(m.processes.length);
                    for (var j = 0; j < m.processes.length; ++j) {
                        d.processes[j] = $root.wattprint.v1.ProcessUsage.toObject(m.processes[j], o, q + 1);
                    }
                }
                if (m.gpuProcesses && m.gpuProcesses.length) {
                    d.gpuProcesses = $Array(m.gpuProcesses.length);
                    for (var j = 0; j < m.gpuProcesses.length; ++j) {
                        d.gpuProcesses[j] = $root.wattprint.v1.GpuProcessUsage.toObject(m.gpuProcesses[j], o, q + 1);
                    }
                }
                if (m.progress && m.progress.length) {
                    d.progress = $Array(m.progress.length);
                    for (var j = 0; j < m.progress.length; ++j) {
                        d.progress[j] = $root.wattprint.v1.JobProgress.toObject(m.progress[j], o, q + 1);
                    }
                }
                if (m.cpuBusySeconds != null && $Object.hasOwnProperty.call(m, "cpuBusySeconds")) {
                    d.cpuBusySeconds = o.json && !$isFinite(m.cpuBusySeconds) ? $String(m.cpuBusySeconds) : m.cpuBusySeconds;
                }
                if (m.cpuIdleSeconds != null && $Object.hasOwnProperty.call(m, "cpuIdleSeconds")) {
                    d.cpuIdleSeconds = o.json && !$isFinite(m.cpuIdleSeconds) ? $String(m.cpuIdleSeconds) : m.cpuIdleSeconds;
                }
                if (m.cpuCount != null && $Object.hasOwnProperty.call(m, "cpuCount")) {
                    d.cpuCount = m.cpuCount;
                }
                if (m.sources && m.sources.length) {
                    d.sources = $Array(m.sources.length);
                    for (var j = 0; j < m.sources.length; ++j) {
                        d.sources[j] = $root.wattprint.v1.SourceStatus.toObject(m.sources[j], o, q + 1);
                    }
                }
                if (m.bootId != null && $Object.hasOwnProperty.call(m, "bootId")) {
                    d.bootId = m.bootId;
                }
                return d;
            };

            /**
             * Converts this Report to JSON.
             * @function toJSON
             * @memberof wattprint.v1.Report
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Report.prototype.toJSON = function() {
                return Report.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Report
             * @function getTypeUrl
             * @memberof wattprint.v1.Report
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Report.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/wattprint.v1.Report";
            };

            return Report;
        })();

        v1.Gpu = (function() {

            /**
             * Properties of a Gpu.
             * @typedef {Object} wattprint.v1.Gpu.$Properties
             * @property {string|null} [uuid] Gpu uuid
             * @property {string|null} [name] Gpu name
             * @property {number|null} [powerLimitWatts] Gpu powerLimitWatts
             * @property {boolean|null} [mig] Gpu mig
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Gpu.
             * @memberof wattprint.v1
             * @interface IGpu
             * @augments wattprint.v1.Gpu.$Properties
             * @deprecated Use wattprint.v1.Gpu.$Properties instead.
             */

            /**
             * Shape of a Gpu.
             * @typedef {wattprint.v1.Gpu.$Properties} wattprint.v1.Gpu.$Shape
             */

            /**
             * Constructs a new Gpu.
             * @memberof wattprint.v1
             * @classdesc Represents a Gpu.
             * @constructor
             * @param {wattprint.v1.Gpu.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Gpu = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * Gpu uuid.
             * @member {string} uuid
             * @memberof wattprint.v1.Gpu
             * @instance
             */
            Gpu.prototype.uuid = "";

            /**
             * Gpu name.
             * @member {string} name
             * @memberof wattprint.v1.Gpu
             * @instance
             */
            Gpu.prototype.name = "";

            /**
             * Gpu powerLimitWatts.
             * @member {number} powerLimitWatts
             * @memberof wattprint.v1.Gpu
             * @instance
             */
            Gpu.prototype.powerLimitWatts = 0;

            /**
             * Gpu mig.
             * @member {boolean} mig
             * @memberof wattprint.v1.Gpu
             * @instance
             */
            Gpu.prototype.mig = false;

            /**
             * Creates a new Gpu instance using the specified properties.
             * @function create
             * @memberof wattprint.v1.Gpu
             * @static
             * @param {wattprint.v1.Gpu.$Properties=} [properties] Properties to set
             * @returns {wattprint.v1.Gpu} Gpu instance
             * @type {{
             *   (properties: wattprint.v1.Gpu.$Shape): wattprint.v1.Gpu & wattprint.v1.Gpu.$Shape;
             *   (properties?: wattprint.v1.Gpu.$Properties): wattprint.v1.Gpu;
             * }}
             */
            Gpu.create = function(properties) {
                return new Gpu(properties);
            };

            /**
             * Encodes the specified Gpu message. Does not implicitly {@link wattprint.v1.Gpu.verify|verify} messages.
             * @function encode
             * @memberof wattprint.v1.Gpu
             * @static
             * @param {wattprint.v1.Gpu.$Properties} m Gpu message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Gpu.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.uuid != null && $Object.hasOwnProperty.call(m, "uuid") && m.uuid !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.uuid);
                if (m.name != null && $Object.hasOwnProperty.call(m, "name") && m.name !== "")
                    w.uint32(/* id 2, wireType 2 =*/18).string(m.name);
                if (m.powerLimitWatts != null && $Object.hasOwnProperty.call(m, "powerLimitWatts") && !$Object.is(m.powerLimitWatts, 0))
                    w.uint32(/* id 3, wireType 1 =*/25).double(m.powerLimitWatts);
                if (m.mig != null && $Object.hasOwnProperty.call(m, "mig") && m.mig !== false)
                    w.uint32(/* id 4, wireType 0 =*/32).bool(m.mig);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a Gpu message from the specified reader or buffer.
             * @function decode
             * @memberof wattprint.v1.Gpu
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {wattprint.v1.Gpu & wattprint.v1.Gpu.$Shape} Gpu
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Gpu.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.wattprint.v1.Gpu();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.uuid = v;
                            else
                                delete m.uuid;
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.name = v;
                            else
                                delete m.name;
                            continue;
                        }
                    case 3: {
                            if (u !== 1)
                                break;
                            if (!$Object.is(v = r.double(), 0))
                                m.powerLimitWatts = v;
                            else
                                delete m.powerLimitWatts;
                            continue;
                        }
                    case 4: {
                            if (u !== 0)
                                break;
                            if (v = r.bool())
                                m.mig = v;
                            else
                                delete m.mig;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Creates a Gpu message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof wattprint.v1.Gpu
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {wattprint.v1.Gpu} Gpu
             */
            Gpu.fromObject = function (d, q) {
                if (d instanceof $root.wattprint.v1.Gpu)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".wattprint.v1.Gpu: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.wattprint.v1.Gpu();
                if (d.uuid != null) {
                    if (typeof d.uuid !== "string" || d.uuid.length) {
                        m.uuid = $String(d.uuid);
                    }
                }
                if (d.name != null) {
                    if (typeof d.name !== "string" || d.name.length) {
                        m.name = $String(d.name);
                    }
                }
                if (d.powerLimitWatts != null) {
                    if (!$Object.is($Number(d.powerLimitWatts), 0)) {
                        m.powerLimitWatts = $Number(d.powerLimitWatts);
                    }
                }
                if (d.mig != null) {
                    if (d.mig) {
                        m.mig = $Boolean(d.mig);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a Gpu message. Also converts values to other types if specified.
             * @function toObject
             * @memberof wattprint.v1.Gpu
             * @static
             * @param {wattprint.v1.Gpu} m Gpu
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Gpu.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.defaults) {
                    d.uuid = "";
                    d.name = "";
                    d.powerLimitWatts = 0;
                    d.mig = false;
                }
                if (m.uuid != null && $Object.hasOwnProperty.call(m, "uuid")) {
                    d.uuid = m.uuid;
                }
                if (m.name != null && $Object.hasOwnProperty.call(m, "name")) {
                    d.name = m.name;
                }
                if (m.powerLimitWatts != null && $Object.hasOwnProperty.call(m, "powerLimitWatts")) {
                    d.powerLimitWatts = o.json && !$isFinite(m.powerLimitWatts) ? $String(m.powerLimitWatts) : m.powerLimitWatts;
                }
                if (m.mig != null && $Object.hasOwnProperty.call(m, "mig")) {
                    d.mig = m.mig;
                }
                return d;
            };

            /**
             * Converts this Gpu to JSON.
             * @function toJSON
             * @memberof wattprint.v1.Gpu
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Gpu.prototype.toJSON = function() {
                return Gpu.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Gpu
             * @function getTypeUrl
             * @memberof wattprint.v1.Gpu
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Gpu.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/wattprint.v1.Gpu";
            };

            return Gpu;
        })();

        v1.Inventory = (function() {

            /**
             * Properties of an Inventory.
             * @typedef {Object} wattprint.v1.Inventory.$Properties
             * @property {string|null} [cpuModel] Inventory cpuModel
             * @property {number|null} [sockets] Inventory sockets
             * @property {number|null} [logicalCpus] Inventory logicalCpus
             * @property {number|null} [tdpWatts] Inventory tdpWatts
             * @property {string|null} [tdpSource] Inventory tdpSource
             * @property {Array.<wattprint.v1.Gpu.$Properties>|null} [gpus] Inventory gpus
             * @property {Array.<string>|null} [meterKinds] Inventory meterKinds
             * @property {string|null} [gridZone] Inventory gridZone
             * @property {string|null} [gridZoneSource] Inventory gridZoneSource
             * @property {number|null} [pue] Inventory pue
             * @property {Object.<string,string>|null} [labels] Inventory labels
             * @property {string|null} [cloudProvider] Inventory cloudProvider
             * @property {string|null} [cloudRegion] Inventory cloudRegion
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an Inventory.
             * @memberof wattprint.v1
             * @interface IInventory
             * @augments wattprint.v1.Inventory.$Properties
             * @deprecated Use wattprint.v1.Inventory.$Properties instead.
             */

            /**
             * Shape of an Inventory.
             * @typedef {wattprint.v1.Inventory.$Properties} wattprint.v1.Inventory.$Shape
             */

            /**
             * Constructs a new Inventory.
             * @memberof wattprint.v1
             * @classdesc Represents an Inventory.
             * @constructor
             * @param {wattprint.v1.Inventory.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Inventory = function (p) {
                this.gpus = [];
                this.meterKinds = [];
                this.labels = {};
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * Inventory cpuModel.
             * @member {string} cpuModel
             * @memberof wattprint.v1.Inventory
             * @instance
             */
            Inventory.prototype.cpuModel = "";

            /**
             * Inventory sockets.
             * @member {number} sockets
             * @memberof wattprint.v1.Inventory
             * @instance
             */
            Inventory.prototype.sockets = 0;

            /**
             * Inventory logicalCpus.
             * @member {number} logicalCpus
             * @memberof wattprint.v1.Inventory
             * @instance
             */
            Inventory.prototype.logicalCpus = 0;

            /**
             * Inventory tdpWatts.
             * @member {number} tdpWatts
             * @memberof wattprint.v1.Inventory
             * @instance
             */
            Inventory.prototype.tdpWatts = 0;

            /**
             * Inventory tdpSource.
             * @member {string} tdpSource
             * @memberof wattprint.v1.Inventory
             * @instance
             */
            Inventory.prototype.tdpSource = "";

            /**
             * Inventory gpus.
             * @member {Array.<wattprint.v1.Gpu.$Properties>} gpus
             * @memberof wattprint.v1.Inventory
             * @instance
             */
            Inventory.prototype.gpus = $util.emptyArray;

            /**
             * Inventory meterKinds.
             * @member {Array.<string>} meterKinds
             * @memberof wattprint.v1.Inventory
             * @instance
             */
            Inventory.prototype.meterKinds = $util.emptyArray;

            /**
             * Inventory gridZone.
             * @member {string} gridZone
             * @memberof wattprint.v1.Inventory
             * @instance
             */
            Inventory.prototype.gridZone = "";

            /**
             * Inventory gridZoneSource.
             * @member {string} gridZoneSource
             * @memberof wattprint.v1.Inventory
             * @instance
             */
            Inventory.prototype.gridZoneSource = "";

            /**
             * Inventory pue.
             * @member {number} pue
             * @memberof wattprint.v1.Inventory
             * @instance
             */
            Inventory.prototype.pue = 0;

            /**
             * Inventory labels.
             * @member {Object.<string,string>} labels
             * @memberof wattprint.v1.Inventory
             * @instance
             */
            Inventory.prototype.labels = $util.emptyObject;

            /**
             * Inventory cloudProvider.
             * @member {string} cloudProvider
             * @memberof wattprint.v1.Inventory
             * @instance
             */
            Inventory.prototype.cloudProvider = "";

            /**
             * Inventory cloudRegion.
             * @member {string} cloudRegion
             * @memberof wattprint.v1.Inventory
             * @instance
             */
            Inventory.prototype.cloudRegion = "";

            /**
             * Creates a new Inventory instance using the specified properties.
             * @function create
             * @memberof wattprint.v1.Inventory
             * @static
             * @param {wattprint.v1.Inventory.$Properties=} [properties] Properties to set
             * @returns {wattprint.v1.Inventory} Inventory instance
             * @type {{
             *   (properties: wattprint.v1.Inventory.$Shape): wattprint.v1.Inventory & wattprint.v1.Inventory.$Shape;
             *   (properties?: wattprint.v1.Inventory.$Properties): wattprint.v1.Inventory;
             * }}
             */
            Inventory.create = function(properties) {
                return new Inventory(properties);
            };

            /**
             * Encodes the specified Inventory message. Does not implicitly {@link wattprint.v1.Inventory.verify|verify} messages.
             * @function encode
             * @memberof wattprint.v1.Inventory
             * @static
             * @param {wattprint.v1.Inventory.$Properties} m Inventory message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Inventory.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.cpuModel != null && $Object.hasOwnProperty.call(m, "cpuModel") && m.cpuModel !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.cpuModel);
                if (m.sockets != null && $Object.hasOwnProperty.call(m, "sockets") && m.sockets !== 0)
                    w.uint32(/* id 2, wireType 0 =*/16).uint32(m.sockets);
                if (m.logicalCpus != null && $Object.hasOwnProperty.call(m, "logicalCpus") && m.logicalCpus !== 0)
                    w.uint32(/* id 3, wireType 0 =*/24).uint32(m.logicalCpus);
                if (m.tdpWatts != null && $Object.hasOwnProperty.call(m, "tdpWatts") && !$Object.is(m.tdpWatts, 0))
                    w.uint32(/* id 4, wireType 1 =*/33).double(m.tdpWatts);
                if (m.tdpSource != null && $Object.hasOwnProperty.call(m, "tdpSource") && m.tdpSource !== "")
                    w.uint32(/* id 5, wireType 2 =*/42).string(m.tdpSource);
                if (m.gpus != null && m.gpus.length) {
                    for (var i = 0; i < m.gpus.length; ++i)
                        $root.wattprint.v1.Gpu.encode(m.gpus[i], w.uint32(/* id 6, wireType 2 =*/50).fork(), q + 1).ldelim();
                }
                if (m.meterKinds != null && m.meterKinds.length) {
                    for (var i = 0; i < m.meterKinds.length; ++i)
                        w.uint32(/* id 7, wireType 2 =*/58).string(m.meterKinds[i]);
                }
                if (m.gridZone != null && $Object.hasOwnProperty.call(m, "gridZone") && m.gridZone !== "")
                    w.uint32(/* id 8, wireType 2 =*/66).string(m.gridZone);
                if (m.gridZoneSource != null && $Object.hasOwnProperty.call(m, "gridZoneSource") && m.gridZoneSource !== "")
                    w.uint32(/* id 9, wireType 2 =*/74).string(m.gridZoneSource);
                if (m.pue != null && $Object.hasOwnProperty.call(m, "pue") && !$Object.is(m.pue, 0))
                    w.uint32(/* id 10, wireType 1 =*/81).double(m.pue);
                if (m.labels != null && $Object.hasOwnProperty.call(m, "labels")) {
                    for (var ks = $Object.keys(m.labels), i = 0; i < ks.length; ++i) {
                        w.uint32(/* id 11, wireType 2 =*/90).fork().uint32(/* id 1, wireType 2 =*/10).string(ks[i]).uint32(/* id 2, wireType 2 =*/18).string(m.labels[ks[i]]).ldelim();
                    }
                }
                if (m.cloudProvider != null && $Object.hasOwnProperty.call(m, "cloudProvider") && m.cloudProvider !== "")
                    w.uint32(/* id 12, wireType 2 =*/98).string(m.cloudProvider);
                if (m.cloudRegion != null && $Object.hasOwnProperty.call(m, "cloudRegion") && m.cloudRegion !== "")
                    w.uint32(/* id 13, wireType 2 =*/106).string(m.cloudRegion);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes an Inventory message from the specified reader or buffer.
             * @function decode
             * @memberof wattprint.v1.Inventory
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {wattprint.v1.Inventory & wattprint.v1.Inventory.$Shape} Inventory
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Inventory.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, k, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.wattprint.v1.Inventory();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.cpuModel = v;
                            else
                                delete m.cpuModel;
                            continue;
                        }
                    case 2: {
                            if (u !== 0)
                                break;
                            if (v = r.uint32())
                                m.sockets = v;
                            else
                                delete m.sockets;
                            continue;
                        }
                    case 3: {
                            if (u !== 0)
                                break;
                            if (v = r.uint32())
                                m.logicalCpus = v;
                            else
                                delete m.logicalCpus;
                            continue;
                        }
                    case 4: {
                            if (u !== 1)
                                break;
                            if (!$Object.is(v = r.double(), 0))
                                m.tdpWatts = v;
                            else
                                delete m.tdpWatts;
                            continue;
                        }
                    case 5: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.tdpSource = v;
                            else
                                delete m.tdpSource;
                            continue;
                        }
                    case 6: {
                            if (u !== 2)
                                break;
                            if (!(m.gpus && m.gpus.length))
                                m.gpus = [];
                            m.gpus.push($root.wattprint.v1.Gpu.decode(r, r.size(), $undefined, q + 1));
                            continue;
                        }
                    case 7: {
                            if (u !== 2)
                                break;
                            if (!(m.meterKinds && m.meterKinds.length))
                                m.meterKinds = [];
                            m.meterKinds.push(r.stringVerify());
                            continue;
                        }
                    case 8: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.gridZone = v;
                            else
                                delete m.gridZone;
                            continue;
                        }
                    case 9: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.gridZoneSource = v;
                            else
                                delete m.gridZoneSource;
                            continue;
                        }
                    case 10: {
                            if (u !== 1)
                                break;
                            if (!$Object.is(v = r.double(), 0))
                                m.pue = v;
                            else
                                delete m.pue;
                            continue;
                        }
                    case 11: {
                            if (u !== 2)
                                break;
                            if (m.labels === $util.emptyObject)
                                m.labels = {};
                            var c2 = r.size() + r.pos;
                            if (c2 > r.len)
                                throw $RangeError("index out of range");
                            r.len = c2;
                            k = "";
                            v = "";
                            while (r.pos < c2) {
                                var t2 = r.tag();
                                u = t2 & 7;
                                switch (t2 >>>= 3) {
                                case 1:
                                    if (u !== 2)
                                        break;
                                    k = r.stringVerify();
                                    continue;
                                case 2:
                                    if (u !== 2)
                                        break;
                                    v = r.stringVerify();
                                    continue;
                                }
                                r.skipType(u, q, t2);
                            }
                            if (r.pos !== c2)
                                throw $RangeError("index out of range");
                            r.len = c;
                            if (k === "__proto__")
                                $util.makeProp(m.labels, k);
                            m.labels[k] = v;
                            continue;
                        }
                    case 12: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.cloudProvider = v;
                            else
                                delete m.cloudProvider;
                            continue;
                        }
                    case 13: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.cloudRegion = v;
                            else
                                delete m.cloudRegion;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Creates an Inventory message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof wattprint.v1.Inventory
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {wattprint.v1.Inventory} Inventory
             */
            Inventory.fromObject = function (d, q) {
                if (d instanceof $root.wattprint.v1.Inventory)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".wattprint.v1.Inventory: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.wattprint.v1.Inventory();
                if (d.cpuModel != null) {
                    if (typeof d.cpuModel !== "string" || d.cpuModel.length) {
                        m.cpuModel = $String(d.cpuModel);
                    }
                }
                if (d.sockets != null) {
                    if ($Number(d.sockets) !== 0) {
                        m.sockets = d.sockets >>> 0;
                    }
                }
                if (d.logicalCpus != null) {
                    if ($Number(d.logicalCpus) !== 0) {
                        m.logicalCpus = d.logicalCpus >>> 0;
                    }
                }
                if (d.tdpWatts != null) {
                    if (!$Object.is($Number(d.tdpWatts), 0)) {
                        m.tdpWatts = $Number(d.tdpWatts);
                    }
                }
                if (d.tdpSource != null) {
                    if (typeof d.tdpSource !== "string" || d.tdpSource.length) {
                        m.tdpSource = $String(d.tdpSource);
                    }
                }
                if (d.gpus) {
                    if (!$Array.isArray(d.gpus))
                        throw $TypeError(".wattprint.v1.Inventory.gpus: array expected");
                    m.gpus = $Array(d.gpus.length);
                    for (var i = 0; i < d.gpus.length; ++i) {
                        if (!$util.isObject(d.gpus[i]))
                            throw $TypeError(".wattprint.v1.Inventory.gpus: object expected");
                        m.gpus[i] = $root.wattprint.v1.Gpu.fromObject(d.gpus[i], q + 1);
                    }
                }
                if (d.meterKinds) {
                    if (!$Array.isArray(d.meterKinds))
                        throw $TypeError(".wattprint.v1.Inventory.meterKinds: array expected");
                    m.meterKinds = $Array(d.meterKinds.length);
                    for (var i = 0; i < d.meterKinds.length; ++i) {
                        m.meterKinds[i] = $String(d.meterKinds[i]);
                    }
                }
                if (d.gridZone != null) {
                    if (typeof d.gridZone !== "string" || d.gridZone.length) {
                        m.gridZone = $String(d.gridZone);
                    }
                }
                if (d.gridZoneSource != null) {
                    if (typeof d.gridZoneSource !== "string" || d.gridZoneSource.length) {
                        m.gridZoneSource = $String(d.gridZoneSource);
                    }
                }
                if (d.pue != null) {
                    if (!$Object.is($Number(d.pue), 0)) {
                        m.pue = $Number(d.pue);
                    }
                }
                if (d.labels) {
                    if (!$util.isObject(d.labels))
                        throw $TypeError(".wattprint.v1.Inventory.labels: object expected");
                    m.labels = {};
                    for (var ks = $Object.keys(d.labels), i = 0; i < ks.length; ++i) {
                        if (ks[i] === "__proto__")
                            $util.makeProp(m.labels, ks[i]);
                        m.labels[ks[i]] = $String(d.labels[ks[i]]);
                    }
                }
                if (d.cloudProvider != null) {
                    if (typeof d.cloudProvider !== "string" || d.cloudProvider.length) {
                        m.cloudProvider = $String(d.cloudProvider);
                    }
                }
                if (d.cloudRegion != null) {
                    if (typeof d.cloudRegion !== "string" || d.cloudRegion.length) {
                        m.cloudRegion = $String(d.cloudRegion);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from an Inventory message. Also converts values to other types if specified.
             * @function toObject
             * @memberof wattprint.v1.Inventory
             * @static
             * @param {wattprint.v1.Inventory} m Inventory
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Inventory.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.arrays || o.defaults) {
                    d.gpus = [];
                    d.meterKinds = [];
                }
                if (o.objects || o.defaults) {
                    d.labels = {};
                }
                if (o.defaults) {
                    d.cpuModel = "";
                    d.sockets = 0;
                    d.logicalCpus = 0;
                    d.tdpWatts = 0;
                    d.tdpSource = "";
                    d.gridZone = "";
                    d.gridZoneSource = "";
                    d.pue = 0;
                    d.cloudProvider = "";
                    d.cloudRegion = "";
                }
                if (m.cpuModel != null && $Object.hasOwnProperty.call(m, "cpuModel")) {
                    d.cpuModel = m.cpuModel;
                }
                if (m.sockets != null && $Object.hasOwnProperty.call(m, "sockets")) {
                    d.sockets = m.sockets;
                }
                if (m.logicalCpus != null && $Object.hasOwnProperty.call(m, "logicalCpus")) {
                    d.logicalCpus = m.logicalCpus;
                }
                if (m.tdpWatts != null && $Object.hasOwnProperty.call(m, "tdpWatts")) {
                    d.tdpWatts = o.json && !$isFinite(m.tdpWatts) ? $String(m.tdpWatts) : m.tdpWatts;
                }
                if (m.tdpSource != null && $Object.hasOwnProperty.call(m, "tdpSource")) {
                    d.tdpSource = m.tdpSource;
                }
                if (m.gpus && m.gpus.length) {
                    d.gpus = $Array(m.gpus.length);
                    for (var j = 0; j < m.gpus.length; ++j) {
                        d.gpus[j] = $root.wattprint.v1.Gpu.toObject(m.gpus[j], o, q + 1);
                    }
                }
                if (m.meterKinds && m.meterKinds.length) {
                    d.meterKinds = $Array(m.meterKinds.length);
                    for (var j = 0; j < m.meterKinds.length; ++j) {
                        d.meterKinds[j] = m.meterKinds[j];
                    }
                }
                if (m.gridZone != null && $Object.hasOwnProperty.call(m, "gridZone")) {
                    d.gridZone = m.gridZone;
                }
                if (m.gridZoneSource != null && $Object.hasOwnProperty.call(m, "gridZoneSource")) {
                    d.gridZoneSource = m.gridZoneSource;
                }
                if (m.pue != null && $Object.hasOwnProperty.call(m, "pue")) {
                    d.pue = o.json && !$isFinite(m.pue) ? $String(m.pue) : m.pue;
                }
                var ks2;
                if (m.labels && (ks2 = $Object.keys(m.labels)).length) {
                    d.labels = {};
                    for (var j = 0; j < ks2.length; ++j) {
                        if (ks2[j] === "__proto__")
                            $util.makeProp(d.labels, ks2[j]);
                        d.labels[ks2[j]] = m.labels[ks2[j]];
                    }
                }
                if (m.cloudProvider != null && $Object.hasOwnProperty.call(m, "cloudProvider")) {
                    d.cloudProvider = m.cloudProvider;
                }
                if (m.cloudRegion != null && $Object.hasOwnProperty.call(m, "cloudRegion")) {
                    d.cloudRegion = m.cloudRegion;
                }
                return d;
            };

            /**
             * Converts this Inventory to JSON.
             * @function toJSON
             * @memberof wattprint.v1.Inventory
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Inventory.prototype.toJSON = function() {
                return Inventory.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Inventory
             * @function getTypeUrl
             * @memberof wattprint.v1.Inventory
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Inventory.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/wattprint.v1.Inventory";
            };

            return Inventory;
        })();

        v1.Hello = (function() {

            /**
             * Properties of a Hello.
             * @typedef {Object} wattprint.v1.Hello.$Properties
             * @property {string|null} [host] Hello host
             * @property {string|null} [agentVersion] Hello agentVersion
             * @property {number|null} [resumeSeq] Hello resumeSeq
             * @property {wattprint.v1.Inventory.$Properties|null} [inventory] Hello inventory
             * @property {string|null} [instanceId] Hello instanceId
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Hello.
             * @memberof wattprint.v1
             * @interface IHello
             * @augments wattprint.v1.Hello.$Properties
             * @deprecated Use wattprint.v1.Hello.$Properties instead.
             */

            /**
             * Shape of a Hello.
             * @typedef {wattprint.v1.Hello.$Properties} wattprint.v1.Hello.$Shape
             */

            /**
             * Constructs a new Hello.
             * @memberof wattprint.v1
             * @classdesc Represents a Hello.
             * @constructor
             * @param {wattprint.v1.Hello.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Hello = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * Hello host.
             * @member {string} host
             * @memberof wattprint.v1.Hello
             * @instance
             */
            Hello.prototype.host = "";

            /**
             * Hello agentVersion.
             * @member {string} agentVersion
             * @memberof wattprint.v1.Hello
             * @instance
             */
            Hello.prototype.agentVersion = "";

            /**
             * Hello resumeSeq.
             * @member {number} resumeSeq
             * @memberof wattprint.v1.Hello
             * @instance
             */
            Hello.prototype.resumeSeq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Hello inventory.
             * @member {wattprint.v1.Inventory.$Properties|null|undefined} inventory
             * @memberof wattprint.v1.Hello
             * @instance
             */
            Hello.prototype.inventory = null;

            /**
             * Hello instanceId.
             * @member {string} instanceId
             * @memberof wattprint.v1.Hello
             * @instance
             */
            Hello.prototype.instanceId = "";

            /**
             * Creates a new Hello instance using the specified properties.
             * @function create
             * @memberof wattprint.v1.Hello
             * @static
             * @param {wattprint.v1.Hello.$Properties=} [properties] Properties to set
             * @returns {wattprint.v1.Hello} Hello instance
             * @type {{
             *   (properties: wattprint.v1.Hello.$Shape): wattprint.v1.Hello & wattprint.v1.Hello.$Shape;
             *   (properties?: wattprint.v1.Hello.$Properties): wattprint.v1.Hello;
             * }}
             */
            Hello.create = function(properties) {
                return new Hello(properties);
            };

            /**
             * Encodes the specified Hello message. Does not implicitly {@link wattprint.v1.Hello.verify|verify} messages.
             * @function encode
             * @memberof wattprint.v1.Hello
             * @static
             * @param {wattprint.v1.Hello.$Properties} m Hello message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Hello.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.host != null && $Object.hasOwnProperty.call(m, "host") && m.host !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.host);
                if (m.agentVersion != null && $Object.hasOwnProperty.call(m, "agentVersion") && m.agentVersion !== "")
                    w.uint32(/* id 2, wireType 2 =*/18).string(m.agentVersion);
                if (m.resumeSeq != null && $Object.hasOwnProperty.call(m, "resumeSeq") && (typeof m.resumeSeq === "object" ? m.resumeSeq.low || m.resumeSeq.high : m.resumeSeq !== 0))
                    w.uint32(/* id 3, wireType 0 =*/24).uint64(m.resumeSeq);
                if (m.inventory != null && $Object.hasOwnProperty.call(m, "inventory"))
                    $root.wattprint.v1.Inventory.encode(m.inventory, w.uint32(/* id 4, wireType 2 =*/34).fork(), q + 1).ldelim();
                if (m.instanceId != null && $Object.hasOwnProperty.call(m, "instanceId") && m.instanceId !== "")
                    w.uint32(/* id 5, wireType 2 =*/42).string(m.instanceId);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a Hello message from the specified reader or buffer.
             * @function decode
             * @memberof wattprint.v1.Hello
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {wattprint.v1.Hello & wattprint.v1.Hello.$Shape} Hello
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Hello.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.wattprint.v1.Hello();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.host = v;
                            else
                                delete m.host;
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.agentVersion = v;
                            else
                                delete m.agentVersion;
                            continue;
                        }
                    case 3: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.resumeSeq = v;
                            else
                                delete m.resumeSeq;
                            continue;
                        }
                    case 4: {
                            if (u !== 2)
                                break;
                            m.inventory = $root.wattprint.v1.Inventory.decode(r, r.size(), $undefined, q + 1, m.inventory);
                            continue;
                        }
                    case 5: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.instanceId = v;
                            else
                                delete m.instanceId;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Creates a Hello message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof wattprint.v1.Hello
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {wattprint.v1.Hello} Hello
             */
            Hello.fromObject = function (d, q) {
                if (d instanceof $root.wattprint.v1.Hello)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".wattprint.v1.Hello: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.wattprint.v1.Hello();
                if (d.host != null) {
                    if (typeof d.host !== "string" || d.host.length) {
                        m.host = $String(d.host);
                    }
                }
                if (d.agentVersion != null) {
                    if (typeof d.agentVersion !== "string" || d.agentVersion.length) {
                        m.agentVersion = $String(d.agentVersion);
                    }
                }
                if (d.resumeSeq != null) {
                    if (typeof d.resumeSeq === "object" ? d.resumeSeq.low || d.resumeSeq.high : $Number(d.resumeSeq) !== 0) {
                        if ($util.Long)
                            m.resumeSeq = $util.Long.fromValue(d.resumeSeq, true);
                        else if (typeof d.resumeSeq === "string")
                            m.resumeSeq = $parseInt(d.resumeSeq, 10);
                        else if (typeof d.resumeSeq === "number")
                            m.resumeSeq = d.resumeSeq;
                        else if (typeof d.resumeSeq === "object")
                            m.resumeSeq = new $util.LongBits(d.resumeSeq.low >>> 0, d.resumeSeq.high >>> 0).toNumber(true);
                    }
                }
                if (d.inventory != null) {
                    if (!$util.isObject(d.inventory))
                        throw $TypeError(".wattprint.v1.Hello.inventory: object expected");
                    m.inventory = $root.wattprint.v1.Inventory.fromObject(d.inventory, q + 1);
                }
                if (d.instanceId != null) {
                    if (typeof d.instanceId !== "string" || d.instanceId.length) {
                        m.instanceId = $String(d.instanceId);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a Hello message. Also converts values to other types if specified.
             * @function toObject
             * @memberof wattprint.v1.Hello
             * @static
             * @param {wattprint.v1.Hello} m Hello
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Hello.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.defaults) {
                    d.host = "";
                    d.agentVersion = "";
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.resumeSeq = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.resumeSeq = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    d.inventory = null;
                    d.instanceId = "";
                }
                if (m.host != null && $Object.hasOwnProperty.call(m, "host")) {
                    d.host = m.host;
                }
                if (m.agentVersion != null && $Object.hasOwnProperty.call(m, "agentVersion")) {
                    d.agentVersion = m.agentVersion;
                }
                if (m.resumeSeq != null && $Object.hasOwnProperty.call(m, "resumeSeq")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.resumeSeq = typeof m.resumeSeq === "number" ? $BigInt(m.resumeSeq) : $util.Long.fromBits(m.resumeSeq.low >>> 0, m.resumeSeq.high >>> 0, true).toBigInt();
                    else if (typeof m.resumeSeq === "number")
                        d.resumeSeq = o.longs === $String ? $String(m.resumeSeq) : m.resumeSeq;
                    else
                        d.resumeSeq = o.longs === $String ? $util.Long.prototype.toString.call(m.resumeSeq) : o.longs === $Number ? new $util.LongBits(m.resumeSeq.low >>> 0, m.resumeSeq.high >>> 0).toNumber(true) : m.resumeSeq;
                }
                if (m.inventory != null && $Object.hasOwnProperty.call(m, "inventory")) {
                    d.inventory = $root.wattprint.v1.Inventory.toObject(m.inventory, o, q + 1);
                }
                if (m.instanceId != null && $Object.hasOwnProperty.call(m, "instanceId")) {
                    d.instanceId = m.instanceId;
                }
                return d;
            };

            /**
             * Converts this Hello to JSON.
             * @function toJSON
             * @memberof wattprint.v1.Hello
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Hello.prototype.toJSON = function() {
                return Hello.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Hello
             * @function getTypeUrl
             * @memberof wattprint.v1.Hello
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Hello.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/wattprint.v1.Hello";
            };

            return Hello;
        })();

        v1.Rejection = (function() {

            /**
             * Properties of a Rejection.
             * @typedef {Object} wattprint.v1.Rejection.$Properties
             * @property {number|null} [seq] Rejection seq
             * @property {string|null} [code] Rejection code
             * @property {string|null} [message] Rejection message
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Rejection.
             * @memberof wattprint.v1
             * @interface IRejection
             * @augments wattprint.v1.Rejection.$Properties
             * @deprecated Use wattprint.v1.Rejection.$Properties instead.
             */

            /**
             * Shape of a Rejection.
             * @typedef {wattprint.v1.Rejection.$Properties} wattprint.v1.Rejection.$Shape
             */

            /**
             * Constructs a new Rejection.
             * @memberof wattprint.v1
             * @classdesc Represents a Rejection.
             * @constructor
             * @param {wattprint.v1.Rejection.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Rejection = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * Rejection seq.
             * @member {number} seq
             * @memberof wattprint.v1.Rejection
             * @instance
             */
            Rejection.prototype.seq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Rejection code.
             * @member {string} code
             * @memberof wattprint.v1.Rejection
             * @instance
             */
            Rejection.prototype.code = "";

            /**
             * Rejection message.
             * @member {string} message
             * @memberof wattprint.v1.Rejection
             * @instance
             */
            Rejection.prototype.message = "";

            /**
             * Creates a new Rejection instance using the specified properties.
             * @function create
             * @memberof wattprint.v1.Rejection
             * @static
             * @param {wattprint.v1.Rejection.$Properties=} [properties] Properties to set
             * @returns {wattprint.v1.Rejection} Rejection instance
             * @type {{
             *   (properties: wattprint.v1.Rejection.$Shape): wattprint.v1.Rejection & wattprint.v1.Rejection.$Shape;
             *   (properties?: wattprint.v1.Rejection.$Properties): wattprint.v1.Rejection;
             * }}
             */
            Rejection.create = function(properties) {
                return new Rejection(properties);
            };

            /**
             * Encodes the specified Rejection message. Does not implicitly {@link wattprint.v1.Rejection.verify|verify} messages.
             * @function encode
             * @memberof wattprint.v1.Rejection
             * @static
             * @param {wattprint.v1.Rejection.$Properties} m Rejection message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Rejection.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq") && (typeof m.seq === "object" ? m.seq.low || m.seq.high : m.seq !== 0))
                    w.uint32(/* id 1, wireType 0 =*/8).uint64(m.seq);
                if (m.code != null && $Object.hasOwnProperty.call(m, "code") && m.code !== "")
                    w.uint32(/* id 2, wireType 2 =*/18).string(m.code);
                if (m.message != null && $Object.hasOwnProperty.call(m, "message") && m.message !== "")
                    w.uint32(/* id 3, wireType 2 =*/26).string(m.message);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a Rejection message from the specified reader or buffer.
             * @function decode
             * @memberof wattprint.v1.Rejection
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {wattprint.v1.Rejection & wattprint.v1.Rejection.$Shape} Rejection
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Rejection.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.wattprint.v1.Rejection();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.seq = v;
                            else
                                delete m.seq;
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.code = v;
                            else
                                delete m.code;
                            continue;
                        }
                    case 3: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.message = v;
                            else
                                delete m.message;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Creates a Rejection message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof wattprint.v1.Rejection
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {wattprint.v1.Rejection} Rejection
             */
            Rejection.fromObject = function (d, q) {
                if (d instanceof $root.wattprint.v1.Rejection)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".wattprint.v1.Rejection: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.wattprint.v1.Rejection();
                if (d.seq != null) {
                    if (typeof d.seq === "object" ? d.seq.low || d.seq.high : $Number(d.seq) !== 0) {
                        if ($util.Long)
                            m.seq = $util.Long.fromValue(d.seq, true);
                        else if (typeof d.seq === "string")
                            m.seq = $parseInt(d.seq, 10);
                        else if (typeof d.seq === "number")
                            m.seq = d.seq;
                        else if (typeof d.seq === "object")
                            m.seq = new $util.LongBits(d.seq.low >>> 0, d.seq.high >>> 0).toNumber(true);
                    }
                }
                if (d.code != null) {
                    if (typeof d.code !== "string" || d.code.length) {
                        m.code = $String(d.code);
                    }
                }
                if (d.message != null) {
                    if (typeof d.message !== "string" || d.message.length) {
                        m.message = $String(d.message);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a Rejection message. Also converts values to other types if specified.
             * @function toObject
             * @memberof wattprint.v1.Rejection
             * @static
             * @param {wattprint.v1.Rejection} m Rejection
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Rejection.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.defaults) {
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.seq = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.seq = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    d.code = "";
                    d.message = "";
                }
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.seq = typeof m.seq === "number" ? $BigInt(m.seq) : $util.Long.fromBits(m.seq.low >>> 0, m.seq.high >>> 0, true).toBigInt();
                    else if (typeof m.seq === "number")
                        d.seq = o.longs === $String ? $String(m.seq) : m.seq;
                    else
                        d.seq = o.longs === $String ? $util.Long.prototype.toString.call(m.seq) : o.longs === $Number ? new $util.LongBits(m.seq.low >>> 0, m.seq.high >>> 0).toNumber(true) : m.seq;
                }
                if (m.code != null && $Object.hasOwnProperty.call(m, "code")) {
                    d.code = m.code;
                }
                if (m.message != null && $Object.hasOwnProperty.call(m, "message")) {
                    d.message = m.message;
                }
                return d;
            };

            /**
             * Converts this Rejection to JSON.
             * @function toJSON
             * @memberof wattprint.v1.Rejection
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Rejection.prototype.toJSON = function() {
                return Rejection.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Rejection
             * @function getTypeUrl
             * @memberof wattprint.v1.Rejection
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Rejection.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/wattprint.v1.Rejection";
            };

            return Rejection;
        })();

        v1.Ack = (function() {

            /**
             * Properties of an Ack.
             * @typedef {Object} wattprint.v1.Ack.$Properties
             * @property {number|null} [seq] Ack seq
             * @property {Array.<wattprint.v1.Rejection.$Properties>|null} [rejected] Ack rejected
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an Ack.
             * @memberof wattprint.v1
             * @interface IAck
             * @augments wattprint.v1.Ack.$Properties
             * @deprecated Use wattprint.v1.Ack.$Properties instead.
             */

            /**
             * Shape of an Ack.
             * @typedef {wattprint.v1.Ack.$Properties} wattprint.v1.Ack.$Shape
             */

            /**
             * Constructs a new Ack.
             * @memberof wattprint.v1
             * @classdesc Represents an Ack.
             * @constructor
             * @param {wattprint.v1.Ack.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Ack = function (p) {
                this.rejected = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * Ack seq.
             * @member {number} seq
             * @memberof wattprint.v1.Ack
             * @instance
             */
            Ack.prototype.seq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Ack rejected.
             * @member {Array.<wattprint.v1.Rejection.$Properties>} rejected
             * @memberof wattprint.v1.Ack
             * @instance
             */
            Ack.prototype.rejected = $util.emptyArray;

            /**
             * Creates a new Ack instance using the specified properties.
             * @function create
             * @memberof wattprint.v1.Ack
             * @static
             * @param {wattprint.v1.Ack.$Properties=} [properties] Properties to set
             * @returns {wattprint.v1.Ack} Ack instance
             * @type {{
             *   (properties: wattprint.v1.Ack.$Shape): wattprint.v1.Ack & wattprint.v1.Ack.$Shape;
             *   (properties?: wattprint.v1.Ack.$Properties): wattprint.v1.Ack;
             * }}
             */
            Ack.create = function(properties) {
                return new Ack(properties);
            };

            /**
             * Encodes the specified Ack message. Does not implicitly {@link wattprint.v1.Ack.verify|verify} messages.
             * @function encode
             * @memberof wattprint.v1.Ack
             * @static
             * @param {wattprint.v1.Ack.$Properties} m Ack message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Ack.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq") && (typeof m.seq === "object" ? m.seq.low || m.seq.high : m.seq !== 0))
                    w.uint32(/* id 1, wireType 0 =*/8).uint64(m.seq);
                if (m.rejected != null && m.rejected.length) {
                    for (var i = 0; i < m.rejected.length; ++i)
                        $root.wattprint.v1.Rejection.encode(m.rejected[i], w.uint32(/* id 2, wireType 2 =*/18).fork(), q + 1).ldelim();
                }
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes an Ack message from the specified reader or buffer.
             * @function decode
             * @memberof wattprint.v1.Ack
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {wattprint.v1.Ack & wattprint.v1.Ack.$Shape} Ack
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Ack.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.wattprint.v1.Ack();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.seq = v;
                            else
                                delete m.seq;
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            if (!(m.rejected && m.rejected.length))
                                m.rejected = [];
                            m.rejected.push($root.wattprint.v1.Rejection.decode(r, r.size(), $undefined, q + 1));
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Creates an Ack message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof wattprint.v1.Ack
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {wattprint.v1.Ack} Ack
             */
            Ack.fromObject = function (d, q) {
                if (d instanceof $root.wattprint.v1.Ack)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".wattprint.v1.Ack: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.wattprint.v1.Ack();
                if (d.seq != null) {
                    if (typeof d.seq === "object" ? d.seq.low || d.seq.high : $Number(d.seq) !== 0) {
                        if ($util.Long)
                            m.seq = $util.Long.fromValue(d.seq, true);
                        else if (typeof d.seq === "string")
                            m.seq = $parseInt(d.seq, 10);
                        else if (typeof d.seq === "number")
                            m.seq = d.seq;
                        else if (typeof d.seq === "object")
                            m.seq = new $util.LongBits(d.seq.low >>> 0, d.seq.high >>> 0).toNumber(true);
                    }
                }
                if (d.rejected) {
                    if (!$Array.isArray(d.rejected))
                        throw $TypeError(".wattprint.v1.Ack.rejected: array expected");
                    m.rejected = $Array(d.rejected.length);
                    for (var i = 0; i < d.rejected.length; ++i) {
                        if (!$util.isObject(d.rejected[i]))
                            throw $TypeError(".wattprint.v1.Ack.rejected: object expected");
                        m.rejected[i] = $root.wattprint.v1.Rejection.fromObject(d.rejected[i], q + 1);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from an Ack message. Also converts values to other types if specified.
             * @function toObject
             * @memberof wattprint.v1.Ack
             * @static
             * @param {wattprint.v1.Ack} m Ack
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Ack.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.arrays || o.defaults) {
                    d.rejected = [];
                }
                if (o.defaults) {
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.seq = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.seq = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                }
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.seq = typeof m.seq === "number" ? $BigInt(m.seq) : $util.Long.fromBits(m.seq.low >>> 0, m.seq.high >>> 0, true).toBigInt();
                    else if (typeof m.seq === "number")
                        d.seq = o.longs === $String ? $String(m.seq) : m.seq;
                    else
                        d.seq = o.longs === $String ? $util.Long.prototype.toString.call(m.seq) : o.longs === $Number ? new $util.LongBits(m.seq.low >>> 0, m.seq.high >>> 0).toNumber(true) : m.seq;
                }
                if (m.rejected && m.rejected.length) {
                    d.rejected = $Array(m.rejected.length);
                    for (var j = 0; j < m.rejected.length; ++j) {
                        d.rejected[j] = $root.wattprint.v1.Rejection.toObject(m.rejected[j], o, q + 1);
                    }
                }
                return d;
            };

            /**
             * Converts this Ack to JSON.
             * @function toJSON
             * @memberof wattprint.v1.Ack
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Ack.prototype.toJSON = function() {
                return Ack.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Ack
             * @function getTypeUrl
             * @memberof wattprint.v1.Ack
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Ack.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/wattprint.v1.Ack";
            };

            return Ack;
        })();

        v1.AgentMessage = (function() {

            /**
             * Properties of an AgentMessage.
             * @typedef {Object} wattprint.v1.AgentMessage.$Properties
             * @property {wattprint.v1.Hello.$Properties|null} [hello] AgentMessage hello
             * @property {wattprint.v1.Report.$Properties|null} [report] AgentMessage report
             * @property {"hello"|"report"} [body] AgentMessage body
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an AgentMessage.
             * @memberof wattprint.v1
             * @interface IAgentMessage
             * @augments wattprint.v1.AgentMessage.$Properties
             * @deprecated Use wattprint.v1.AgentMessage.$Properties instead.
             */

            /**
             * Narrowed shape of an AgentMessage.
             * @typedef {{
             *   hello?: wattprint.v1.Hello.$Shape|null;
             *   report?: wattprint.v1.Report.$Shape|null;
             *   $unknowns?: Array.<Uint8Array>;
             * } & (
             *   ({ body?: undefined; hello?: null; report?: null }|{ body?: "hello"; hello: wattprint.v1.Hello.$Shape; report?: null }|{ body?: "report"; hello?: null; report: wattprint.v1.Report.$Shape })
             * )} wattprint.v1.AgentMessage.$Shape
             */

            /**
             * Constructs a new AgentMessage.
             * @memberof wattprint.v1
             * @classdesc Represents an AgentMessage.
             * @constructor
             * @param {wattprint.v1.AgentMessage.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const AgentMessage = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * AgentMessage hello.
             * @member {wattprint.v1.Hello.$Properties|null|undefined} hello
             * @memberof wattprint.v1.AgentMessage
             * @instance
             */
            AgentMessage.prototype.hello = null;

            /**
             * AgentMessage report.
             * @member {wattprint.v1.Report.$Properties|null|undefined} report
             * @memberof wattprint.v1.AgentMessage
             * @instance
             */
            AgentMessage.prototype.report = null;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            /**
             * AgentMessage body.
             * @member {"hello"|"report"|undefined} body
             * @memberof wattprint.v1.AgentMessage
             * @instance
             */
            $Object.defineProperty(AgentMessage.prototype, "body", {
                get: $util.oneOfGetter($oneOfFields = ["hello", "report"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Creates a new AgentMessage instance using the specified properties.
             * @function create
             * @memberof wattprint.v1.AgentMessage
             * @static
             * @param {wattprint.v1.AgentMessage.$Properties=} [properties] Properties to set
             * @returns {wattprint.v1.AgentMessage} AgentMessage instance
             * @type {{
             *   (properties: wattprint.v1.AgentMessage.$Shape): wattprint.v1.AgentMessage & wattprint.v1.AgentMessage.$Shape;
             *   (properties?: wattprint.v1.AgentMessage.$Properties): wattprint.v1.AgentMessage;
             * }}
             */
            AgentMessage.create = function(properties) {
                return new AgentMessage(properties);
            };

            /**
             * Encodes the specified AgentMessage message. Does not implicitly {@link wattprint.v1.AgentMessage.verify|verify} messages.
             * @function encode
             * @memberof wattprint.v1.AgentMessage
             * @static
             * @param {wattprint.v1.AgentMessage.$Properties} m AgentMessage message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            AgentMessage.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.hello != null && $Object.hasOwnProperty.call(m, "hello"))
                    $root.wattprint.v1.Hello.encode(m.hello, w.uint32(/* id 1, wireType 2 =*/10).fork(), q + 1).ldelim();
                if (m.report != null && $Object.hasOwnProperty.call(m, "report"))
                    $root.wattprint.v1.Report.encode(m.report, w.uint32(/* id 2, wireType 2 =*/18).fork(), q + 1).ldelim();
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes an AgentMessage message from the specified reader or buffer.
             * @function decode
             * @memberof wattprint.v1.AgentMessage
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {wattprint.v1.AgentMessage & wattprint.v1.AgentMessage.$Shape} AgentMessage
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            AgentMessage.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.wattprint.v1.AgentMessage();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            m.hello = $root.wattprint.v1.Hello.decode(r, r.size(), $undefined, q + 1, m.hello);
                            m.body = "hello";
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            m.report = $root.wattprint.v1.Report.decode(r, r.size(), $undefined, q + 1, m.report);
                            m.body = "report";
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Creates an AgentMessage message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof wattprint.v1.AgentMessage
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {wattprint.v1.AgentMessage} AgentMessage
             */
            AgentMessage.fromObject = function (d, q) {
                if (d instanceof $root.wattprint.v1.AgentMessage)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".wattprint.v1.AgentMessage: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.wattprint.v1.AgentMessage();
                if (d.hello != null) {
                    if (!$util.isObject(d.hello))
                        throw $TypeError(".wattprint.v1.AgentMessage.hello: object expected");
                    m.hello = $root.wattprint.v1.Hello.fromObject(d.hello, q + 1);
                }
                if (d.report != null) {
                    if (!$util.isObject(d.report))
                        throw $TypeError(".wattprint.v1.AgentMessage.report: object expected");
                    m.report = $root.wattprint.v1.Report.fromObject(d.report, q + 1);
                }
                return m;
            };

            /**
             * Creates a plain object from an AgentMessage message. Also converts values to other types if specified.
             * @function toObject
             * @memberof wattprint.v1.AgentMessage
             * @static
             * @param {wattprint.v1.AgentMessage} m AgentMessage
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            AgentMessage.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (m.hello != null && $Object.hasOwnProperty.call(m, "hello")) {
                    d.hello = $root.wattprint.v1.Hello.toObject(m.hello, o, q + 1);
                    if (o.oneofs)
                        d.body = "hello";
                }
                if (m.report != null && $Object.hasOwnProperty.call(m, "report")) {
                    d.report = $root.wattprint.v1.Report.toObject(m.report, o, q + 1);
                    if (o.oneofs)
                        d.body = "report";
                }
                return d;
            };

            /**
             * Converts this AgentMessage to JSON.
             * @function toJSON
             * @memberof wattprint.v1.AgentMessage
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            AgentMessage.prototype.toJSON = function() {
                return AgentMessage.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for AgentMessage
             * @function getTypeUrl
             * @memberof wattprint.v1.AgentMessage
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            AgentMessage.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/wattprint.v1.AgentMessage";
            };

            return AgentMessage;
        })();

        v1.CollectorMessage = (function() {

            /**
             * Properties of a CollectorMessage.
             * @typedef {Object} wattprint.v1.CollectorMessage.$Properties
             * @property {wattprint.v1.Ack.$Properties|null} [ack] CollectorMessage ack
             * @property {"ack"} [body] CollectorMessage body
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a CollectorMessage.
             * @memberof wattprint.v1
             * @interface ICollectorMessage
             * @augments wattprint.v1.CollectorMessage.$Properties
             * @deprecated Use wattprint.v1.CollectorMessage.$Properties instead.
             */

            /**
             * Narrowed shape of a CollectorMessage.
             * @typedef {{
             *   ack?: wattprint.v1.Ack.$Shape|null;
             *   $unknowns?: Array.<Uint8Array>;
             * } & (
             *   ({ body?: undefined; ack?: null }|{ body?: "ack"; ack: wattprint.v1.Ack.$Shape })
             * )} wattprint.v1.CollectorMessage.$Shape
             */

            /**
             * Constructs a new CollectorMessage.
             * @memberof wattprint.v1
             * @classdesc Represents a CollectorMessage.
             * @constructor
             * @param {wattprint.v1.CollectorMessage.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const CollectorMessage = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * CollectorMessage ack.
             * @member {wattprint.v1.Ack.$Properties|null|undefined} ack
             * @memberof wattprint.v1.CollectorMessage
             * @instance
             */
            CollectorMessage.prototype.ack = null;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            /**
             * CollectorMessage body.
             * @member {"ack"|undefined} body
             * @memberof wattprint.v1.CollectorMessage
             * @instance
             */
            $Object.defineProperty(CollectorMessage.prototype, "body", {
                get: $util.oneOfGetter($oneOfFields = ["ack"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Creates a new CollectorMessage instance using the specified properties.
             * @function create
             * @memberof wattprint.v1.CollectorMessage
             * @static
             * @param {wattprint.v1.CollectorMessage.$Properties=} [properties] Properties to set
             * @returns {wattprint.v1.CollectorMessage} CollectorMessage instance
             * @type {{
             *   (properties: wattprint.v1.CollectorMessage.$Shape): wattprint.v1.CollectorMessage & wattprint.v1.CollectorMessage.$Shape;
             *   (properties?: wattprint.v1.CollectorMessage.$Properties): wattprint.v1.CollectorMessage;
             * }}
             */
            CollectorMessage.create = function(properties) {
                return new CollectorMessage(properties);
            };

            /**
             * Encodes the specified CollectorMessage message. Does not implicitly {@link wattprint.v1.CollectorMessage.verify|verify} messages.
             * @function encode
             * @memberof wattprint.v1.CollectorMessage
             * @static
             * @param {wattprint.v1.CollectorMessage.$Properties} m CollectorMessage message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            CollectorMessage.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.ack != null && $Object.hasOwnProperty.call(m, "ack"))
                    $root.wattprint.v1.Ack.encode(m.ack, w.uint32(/* id 1, wireType 2 =*/10).fork(), q + 1).ldelim();
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Decodes a CollectorMessage message from the specified reader or buffer.
             * @function decode
             * @memberof wattprint.v1.CollectorMessage
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {wattprint.v1.CollectorMessage & wattprint.v1.CollectorMessage.$Shape} CollectorMessage
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            CollectorMessage.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.wattprint.v1.CollectorMessage();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            m.ack = $root.wattprint.v1.Ack.decode(r, r.size(), $undefined, q + 1, m.ack);
                            m.body = "ack";
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Creates a CollectorMessage message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof wattprint.v1.CollectorMessage
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {wattprint.v1.CollectorMessage} CollectorMessage
             */
            CollectorMessage.fromObject = function (d, q) {
                if (d instanceof $root.wattprint.v1.CollectorMessage)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".wattprint.v1.CollectorMessage: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.wattprint.v1.CollectorMessage();
                if (d.ack != null) {
                    if (!$util.isObject(d.ack))
                        throw $TypeError(".wattprint.v1.CollectorMessage.ack: object expected");
                    m.ack = $root.wattprint.v1.Ack.fromObject(d.ack, q + 1);
                }
                return m;
            };

            /**
             * Creates a plain object from a CollectorMessage message. Also converts values to other types if specified.
             * @function toObject
             * @memberof wattprint.v1.CollectorMessage
             * @static
             * @param {wattprint.v1.CollectorMessage} m CollectorMessage
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            CollectorMessage.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (m.ack != null && $Object.hasOwnProperty.call(m, "ack")) {
                    d.ack = $root.wattprint.v1.Ack.toObject(m.ack, o, q + 1);
                    if (o.oneofs)
                        d.body = "ack";
                }
                return d;
            };

            /**
             * Converts this CollectorMessage to JSON.
             * @function toJSON
             * @memberof wattprint.v1.CollectorMessage
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            CollectorMessage.prototype.toJSON = function() {
                return CollectorMessage.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for CollectorMessage
             * @function getTypeUrl
             * @memberof wattprint.v1.CollectorMessage
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            CollectorMessage.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/wattprint.v1.CollectorMessage";
            };

            return CollectorMessage;
        })();

        v1.Ingest = (function() {

            /**
             * Constructs a new Ingest service.
             * @memberof wattprint.v1
             * @classdesc Represents an Ingest
             * @extends $protobuf.rpc.Service
             * @constructor
             * @param {$protobuf.RPCImpl} rpcImpl RPC implementation
             * @param {boolean} [requestDelimited=false] Whether requests are length-delimited
             * @param {boolean} [responseDelimited=false] Whether responses are length-delimited
             */
            const Ingest = function(rpcImpl, requestDelimited, responseDelimited) {
                $protobuf.rpc.Service.call(this, rpcImpl, requestDelimited, responseDelimited);
            };

            $Object.defineProperty(Ingest.prototype = $Object.create($protobuf.rpc.Service.prototype), "constructor", { value: Ingest, writable: true, enumerable: false, configurable: true });

            /**
             * Creates new Ingest service using the specified rpc implementation.
             * @function create
             * @memberof wattprint.v1.Ingest
             * @static
             * @param {$protobuf.RPCImpl} rpcImpl RPC implementation
             * @param {boolean} [requestDelimited=false] Whether requests are length-delimited
             * @param {boolean} [responseDelimited=false] Whether responses are length-delimited
             * @returns {Ingest} RPC service. Useful where requests and/or responses are streamed.
             */
            Ingest.create = function(rpcImpl, requestDelimited, responseDelimited) {
                return new this(rpcImpl, requestDelimited, responseDelimited);
            };

            /**
             * Callback as used by {@link wattprint.v1.Ingest#stream}.
             * @memberof wattprint.v1.Ingest
             * @typedef StreamCallback
             * @type {function}
             * @param {Error|null} error Error, if any
             * @param {wattprint.v1.CollectorMessage} [response] CollectorMessage
             */

            /**
             * Calls Stream.
             * @memberof wattprint.v1.Ingest
             * @typedef Stream
             * @type {{
             *   (request: wattprint.v1.IAgentMessage, callback: wattprint.v1.Ingest.StreamCallback): void;
             *   (request: wattprint.v1.IAgentMessage): Promise<wattprint.v1.CollectorMessage>;
             *   readonly name: "Stream";
             *   readonly path: "/wattprint.v1.Ingest/Stream";
             *   readonly requestType: "AgentMessage";
             *   readonly responseType: "CollectorMessage";
             *   readonly requestStream: true;
             *   readonly responseStream: true;
             * }}
             */

            /**
             * Calls Stream.
             * @name wattprint.v1.Ingest#stream
             * @type {wattprint.v1.Ingest.Stream}
             */
            $Object.defineProperties(Ingest.prototype.stream = function(request, callback) {
                return $protobuf.rpc.Service.prototype.rpcCall.call(this, Ingest.prototype.stream, $root.wattprint.v1.AgentMessage, $root.wattprint.v1.CollectorMessage, request, callback);
            }, {
                name: { value: "Stream" },
                path: { value: "/wattprint.v1.Ingest/Stream" },
                requestType: { value: "AgentMessage" },
                responseType: { value: "CollectorMessage" },
                requestStream: { value: true },
                responseStream: { value: true }
            });

            return Ingest;
        })();

        return v1;
    })();

    return wattprint;
})();

export {
  $root as default
};
