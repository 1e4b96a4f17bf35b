"use strict";
var __sslguardFileUrl = require("node:url").pathToFileURL(__filename).href;
"use strict";
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __commonJS = (cb, mod) => function __require() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// node_modules/dotenv/dist/index.cjs
var require_dist = __commonJS({
  "node_modules/dotenv/dist/index.cjs"(exports2, module2) {
    var j = (e, n) => () => {
      try {
        return n || e((n = { exports: {} }).exports, n), n.exports;
      } catch (t) {
        throw n = 0, t;
      }
    };
    var R = j((Z, N) => {
      function T(e) {
        return typeof e == "string" ? !["false", "0", "no", "off", ""].includes(e.toLowerCase()) : !!e;
      }
      function U(e = process.env) {
        let n = {};
        for (let t of ["ENCODING", "PATH", "QUIET", "DEBUG", "OVERRIDE", "FAST"]) {
          let r = e[`DOTENV_${t}`] != null ? e[`DOTENV_${t}`] : e[`DOTENV_CONFIG_${t}`];
          r != null && (n[t.toLowerCase()] = t === "ENCODING" || t === "PATH" ? r : T(r));
        }
        return n;
      }
      N.exports = { parseBoolean: T, optionsFromEnv: U };
    });
    var P = j((ee, b) => {
      var F = require("fs"), _ = require("path"), B = require("os"), { URL: L, fileURLToPath: Q } = require("url"), { parseBoolean: $, optionsFromEnv: I } = R(), G = /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/mg, y = new Uint8Array(256);
      for (let e = 48; e <= 57; e++) y[e] = 1;
      for (let e = 65; e <= 90; e++) y[e] = 1;
      for (let e = 97; e <= 122; e++) y[e] = 1;
      y[45] = 1;
      y[46] = 1;
      y[95] = 1;
      function H(e) {
        let n = {}, t = e.toString();
        t = t.replace(/\r\n?/mg, `
`);
        let r;
        for (; (r = G.exec(t)) != null; ) {
          let o = r[1], i = r[2] || "";
          i = i.trim();
          let c = i[0];
          i = i.replace(/^(['"`])([\s\S]*)\1$/mg, "$2"), c === '"' && (i = i.replace(/\\n/g, `
`), i = i.replace(/\\r/g, "\r")), n[o] = i;
        }
        return n;
      }
      function g(e) {
        return e <= 32 ? e === 32 || e >= 9 && e <= 13 : e >= 160 && (e === 160 || e === 5760 || e >= 8192 && e <= 8202 || e === 8232 || e === 8233 || e === 8239 || e === 8287 || e === 12288 || e === 65279);
      }
      function O(e) {
        return e === 10 || e === 8232 || e === 8233;
      }
      function V(e) {
        let n = {}, t = typeof e == "string" ? e : e.toString();
        t.indexOf("\r") !== -1 && (t = t.replace(/\r\n?/g, `
`));
        let r = t.length, o = 0;
        for (; o < r; ) {
          let i = t.charCodeAt(o);
          for (; o < r && g(i); ) o++, i = t.charCodeAt(o);
          if (o >= r) break;
          if (i === 35) {
            for (; o < r && !O(t.charCodeAt(o)); ) o++;
            continue;
          }
          let c = -1;
          if (i === 101 && o + 6 < r && t.charCodeAt(o + 1) === 120 && t.charCodeAt(o + 2) === 112 && t.charCodeAt(o + 3) === 111 && t.charCodeAt(o + 4) === 114 && t.charCodeAt(o + 5) === 116) {
            let u = t.charCodeAt(o + 6);
            if (g(u)) {
              let s = o + 7;
              for (; s < r && g(t.charCodeAt(s)); ) s++;
              y[t.charCodeAt(s)] && (c = o + 6, o = s);
            } else i = t.charCodeAt(o);
          }
          let E = o, p = 0;
          for (; o < r && (p = t.charCodeAt(o), y[p]); ) o++;
          if (o === E) {
            for (; o < r && !O(t.charCodeAt(o)); ) o++;
            continue;
          }
          let k = t.slice(E, o), D = o;
          if (o >= r && (p = 0), g(p)) do
            o++, p = o < r ? t.charCodeAt(o) : 0;
          while (g(p));
          if (p === 61) o++;
          else if (p === 58 && o === D && o + 1 < r && g(t.charCodeAt(o + 1))) o += 2;
          else {
            for (o = c === -1 ? D : c; o < r && !O(t.charCodeAt(o)); ) o++;
            continue;
          }
          let d = o, l = o;
          for (; l < r && g(t.charCodeAt(l)); ) l++;
          let C = t.charCodeAt(l), a, q = false;
          if (C === 39 || C === 34 || C === 96) {
            let u = t[l], s = t.indexOf(u, l + 1), f = -1, h = -1;
            for (; s !== -1; ) {
              let x = t.charCodeAt(s - 1) === 92, w = s + 1;
              for (; w < r && !O(t.charCodeAt(w)) && g(t.charCodeAt(w)); ) w++;
              if ((w === r || O(t.charCodeAt(w)) || t.charCodeAt(w) === 35) && (f = s, h = w), !x) break;
              s = t.indexOf(u, s + 1);
            }
            if (f !== -1) {
              if (a = t.slice(l + 1, f), o = h, t.charCodeAt(o) === 35) for (; o < r && !O(t.charCodeAt(o)); ) o++;
              q = true;
            }
          }
          if (!q) {
            let u = t.indexOf(`
`, d);
            u === -1 && (u = r);
            let s;
            if (r < 4096) s = t.indexOf("#", d), (s === -1 || s > u) && (s = u);
            else for (s = d; s < u && t.charCodeAt(s) !== 35; ) s++;
            let f = d, h = s;
            for (; f < h && g(t.charCodeAt(f)); ) f++;
            for (; h > f && g(t.charCodeAt(h - 1)); ) h--;
            let x = t.charCodeAt(f);
            if (a = t.slice(f, h), a.includes("\u2028") || a.includes("\u2029") ? a = a.replace(/^(['"`])([\s\S]*)\1$/mg, "$2") : h - f >= 2 && (x === 39 || x === 34 || x === 96) && t.charCodeAt(h - 1) === x && (a = t.slice(f + 1, h - 1)), o = s, s < u) for (; o < r && !O(t.charCodeAt(o)); ) o++;
          }
          C === 34 && (q || l < o) && a.indexOf("\\") !== -1 && (a = a.replace(/\\n/g, `
`).replace(/\\r/g, "\r")), n[k] = a;
        }
        return n;
      }
      function J(e, n) {
        return n && $(n.fast) ? V(e) : H(e);
      }
      function v(e) {
        console.log(`\u2506 ${e}`);
      }
      function W(e) {
        console.error(`\u25C7 ${e}`);
      }
      function S(e) {
        return e[0] === "~" ? _.join(B.homedir(), e.slice(1)) : e;
      }
      function K(e = {}) {
        let n = { ...e };
        for (let t of Object.keys(n)) n[t] === void 0 && delete n[t];
        return { ...I(), ...n };
      }
      function M(e) {
        e = K(e);
        let n = _.resolve(process.cwd(), ".env"), t = "utf8", r = process.env;
        e && e.processEnv != null && (r = e.processEnv);
        let o = $(e && e.debug);
        e && e.encoding ? t = e.encoding : o && v("no encoding is specified (UTF-8 is used by default)");
        let i = [n];
        if (e && e.path) if (!Array.isArray(e.path)) i = [S(e.path)];
        else {
          i = [];
          for (let d of e.path) i.push(S(d));
        }
        let c, E = {}, p = { fast: e.fast };
        for (let d of i) try {
          let l = A.parse(F.readFileSync(d, { encoding: t }), p);
          A.populate(E, l, e);
        } catch (l) {
          o && v(`failed to load ${d} ${l.message}`), c = l;
        }
        let k = A.populate(r, E, e), D = $(Object.prototype.hasOwnProperty.call(e, "quiet") ? e.quiet : I(r).quiet);
        if (o || !D) {
          let d = Object.keys(k).length, l = [];
          for (let C of i) try {
            let a = _.relative(process.cwd(), C instanceof L ? Q(C) : C);
            l.push(a);
          } catch (a) {
            o && v(`failed to load ${C} ${a.message}`), c = a;
          }
          W(`injected env (${d}) from ${l.join(",")}`);
        }
        return c ? { parsed: E, error: c } : { parsed: E };
      }
      function Y(e) {
        return A.configDotenv(e);
      }
      function z(e, n, t = {}) {
        let r = $(t && t.debug), o = $(t && t.override), i = {};
        if (e === null || typeof e != "object" || n === null || typeof n != "object") {
          let c = new Error("OBJECT_REQUIRED: Please check the processEnv argument being passed to populate");
          throw c.code = "OBJECT_REQUIRED", c;
        }
        for (let c of Object.keys(n)) Object.prototype.hasOwnProperty.call(e, c) ? (o === true && (e[c] = n[c], i[c] = n[c]), r && v(o === true ? `"${c}" is already defined and WAS overwritten` : `"${c}" is already defined and was NOT overwritten`)) : (e[c] = n[c], i[c] = n[c]);
        return i;
      }
      var A = { configDotenv: M, config: Y, parse: J, populate: z };
      b.exports.configDotenv = A.configDotenv;
      b.exports.config = A.config;
      b.exports.parse = A.parse;
      b.exports.populate = A.populate;
      b.exports = A;
    });
    var m = P();
    module2.exports = m;
    module2.exports.config = m.config;
    module2.exports.configDotenv = m.configDotenv;
    module2.exports.parse = m.parse;
    module2.exports.populate = m.populate;
  }
});

// sslguard-module:node:module
var import_node_module = __toESM(require("node:module"));
var chunkOf = { "@typescript-eslint/visitor-keys": "ts-scope", "@typescript-eslint/scope-manager": "ts-scope", "@typescript-eslint/typescript-estree": "ts-parser", "yaml": "yaml", "jsonc-parser": "jsonc-parser", "dockerfile-ast": "dockerfile-ast", "@lezer/python": "python-parser", "@yarnpkg/parsers": "yarn-parsers", "smol-toml": "smol-toml", "semver": "semver", "ignore": "ignore", "fast-glob": "fast-glob", "pg": "pg" };
function createRequire(from) {
  const real = import_node_module.default.createRequire(from);
  const require16 = (id) => Object.prototype.hasOwnProperty.call(chunkOf, id) ? real("./lib/" + chunkOf[id] + ".js")[id] : real(id);
  return Object.assign(require16, { resolve: real.resolve, cache: real.cache, extensions: real.extensions, main: real.main });
}
var node_module_default = { ...import_node_module.default, createRequire };

// dist/src/action/run.js
var import_node_crypto4 = require("node:crypto");
var import_node_path16 = __toESM(require("node:path"), 1);

// dist/src/config/load.js
var import_node_path3 = require("node:path");

// dist/src/config/types.js
var POLICY_MODES = ["require", "verify-ca", "verify-full"];
var DEFAULT_POLICY = {
  production: "verify-full",
  staging: "verify-ca",
  development: "require",
  unknown: "verify-full"
};
var DEFAULT_CONFIG = {
  rules: {},
  localHosts: [],
  environments: [],
  ignorePatterns: [],
  certExpiryDays: 30,
  maxFileSize: 2 * 1024 * 1024,
  policy: { ...DEFAULT_POLICY }
};

// dist/src/text/source.js
var SourceText = class {
  text;
  lineStarts;
  constructor(text) {
    this.text = text;
  }
  starts() {
    if (this.lineStarts)
      return this.lineStarts;
    const starts = [0];
    const t = this.text;
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === 10)
        starts.push(i + 1);
      else if (c === 13) {
        if (t.charCodeAt(i + 1) === 10)
          i++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
    return starts;
  }
  /** 1-based line and column of an offset (clamped into the text). */
  position(offset) {
    const starts = this.starts();
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = lo + hi + 1 >> 1;
      if (starts[mid] <= o)
        lo = mid;
      else
        hi = mid - 1;
    }
    return { line: lo + 1, column: o - starts[lo] + 1 };
  }
  /** Offset of the start of a 1-based line. */
  lineStart(line) {
    const starts = this.starts();
    return starts[Math.max(0, Math.min(line - 1, starts.length - 1))];
  }
  get lineCount() {
    return this.starts().length;
  }
  span(start, end) {
    const s = Math.max(0, Math.min(start, this.text.length));
    const e = Math.max(s, Math.min(end, this.text.length));
    const a = this.position(s);
    const b = this.position(e);
    return { start: s, end: e, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }
};
function locateValue(text, start, end, decoded) {
  if (text.slice(start, end) === decoded)
    return { start, end, exact: true };
  const q = text[start];
  if ((q === '"' || q === "'" || q === "`") && text.slice(start + 1, end - 1) === decoded) {
    return { start: start + 1, end: end - 1, exact: true };
  }
  return { start, end, exact: false };
}
function subSpan(src, loc, from, to) {
  if (!loc.exact)
    return src.span(loc.start, loc.end);
  return src.span(loc.start + from, loc.start + to);
}

// dist/src/extract/jsonc.js
var require2 = createRequire(__sslguardFileUrl);
var jsonc;
function loadJsonc() {
  jsonc ??= require2("jsonc-parser");
  return jsonc;
}
var MAX_DIAGNOSTICS = 10;
var MAX_JSON_NESTING = 128;
function excessiveJsonNestingOffset(text) {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++)
        if (text.charCodeAt(i) === 92)
          i++;
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) {
      while (i < text.length && text.charCodeAt(i) !== 10)
        i++;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf("*/", i + 2);
      i = close < 0 ? text.length : close + 1;
    } else if (c === 91 || c === 123) {
      if (++depth > MAX_JSON_NESTING)
        return i;
    } else if ((c === 93 || c === 125) && depth > 0)
      depth--;
  }
  return void 0;
}
function parseJsonc(sink) {
  const deep = excessiveJsonNestingOffset(sink.text);
  if (deep !== void 0) {
    sink.diagnostic(`JSON nested more than ${MAX_JSON_NESTING} levels deep, not scanned`, deep);
    return void 0;
  }
  const parser = loadJsonc();
  const errors = [];
  const text = sink.text.charCodeAt(0) === 65279 ? " " + sink.text.slice(1) : sink.text;
  const root = parser.parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  for (const e of errors.slice(0, MAX_DIAGNOSTICS)) {
    sink.diagnostic(`invalid JSON: ${parser.printParseErrorCode(e.error)}`, e.offset);
  }
  if (errors.length > MAX_DIAGNOSTICS)
    sink.diagnostic(`invalid JSON: ${errors.length - MAX_DIAGNOSTICS} more errors`);
  return root;
}
function parseJsoncQuietly(text) {
  if (excessiveJsonNestingOffset(text) !== void 0)
    return void 0;
  const blanked = text.charCodeAt(0) === 65279 ? " " + text.slice(1) : text;
  return loadJsonc().parseTree(blanked, [], { allowTrailingComma: true, disallowComments: false });
}
function properties(node) {
  if (node?.type !== "object")
    return [];
  const out = [];
  for (const p of node.children ?? []) {
    const [keyNode, value] = p.children ?? [];
    if (keyNode?.type === "string" && value)
      out.push({ key: String(keyNode.value), keyNode, value });
  }
  return out;
}
function property(node, key) {
  let found;
  for (const p of properties(node))
    if (p.key === key)
      found = p.value;
  return found;
}
function nodeLocation(text, node, decoded) {
  return locateValue(text, node.offset, node.offset + node.length, decoded);
}
function keyRange(text, keyNode) {
  const loc = nodeLocation(text, keyNode, String(keyNode.value));
  return { start: loc.start, end: loc.end };
}
var SIMPLE_ESCAPES = /* @__PURE__ */ new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);
var JsonStringMap = class {
  offsets;
  text;
  /** Set when the literal's source does not decode as expected (recovered from an error). */
  fallback;
  decoded;
  constructor(text, node) {
    this.text = text;
    this.decoded = String(node.value);
    const offsets = [];
    const end = node.offset + node.length;
    let i = node.offset + 1;
    let units = 0;
    while (i < end - 1 && units < this.decoded.length) {
      offsets.push(i);
      units++;
      if (text[i] === "\\") {
        const e = text[i + 1] ?? "";
        i += e === "u" ? 6 : SIMPLE_ESCAPES.has(e) ? 2 : 1;
      } else
        i++;
    }
    if (offsets.length !== this.decoded.length) {
      this.offsets = [];
      this.fallback = { start: node.offset, end, exact: false };
    } else {
      offsets.push(Math.min(i, end));
      this.offsets = offsets;
      this.fallback = void 0;
    }
  }
  /** The location of decoded[from, to): exact when that part is written without escapes. */
  location(from, to) {
    if (this.fallback)
      return this.fallback;
    const start = this.offsets[from];
    const end = this.offsets[to];
    return { start, end, exact: this.text.slice(start, end) === this.decoded.slice(from, to) };
  }
};

// dist/src/lists.js
function pushAll(target, items) {
  for (const item of items)
    target.push(item);
  return target;
}

// dist/src/extract/yaml.js
var require3 = createRequire(__sslguardFileUrl);
var yamlLib;
function loadYaml() {
  yamlLib ??= require3("yaml");
  return yamlLib;
}
var MAX_ALIAS_EXPANSION = 1e5;
var MAX_DIAGNOSTICS2 = 10;
var PARSE_OPTIONS = {
  // Duplicate keys are reported by us (with the key's position) and do not stop the document.
  uniqueKeys: false,
  // Compose files share settings with YAML 1.1 merge keys (`<<: *common-env`).
  merge: true,
  // Pretty errors quote the offending source line, which may hold a password.
  prettyErrors: false
};
var MAX_NESTING = 128;
function excessiveNestingOffset(text) {
  let flow = 0;
  let lineStart = true;
  let column = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      lineStart = true;
      column = 0;
      continue;
    }
    if (lineStart) {
      const indicator = (c === 45 || c === 63 || c === 58) && (text.charCodeAt(i + 1) === 32 || text.charCodeAt(i + 1) === 9);
      if (c === 32 || c === 9 || indicator) {
        column += indicator ? 2 : 1;
        if (column > MAX_NESTING)
          return i;
        if (indicator)
          i++;
        continue;
      }
      lineStart = false;
    }
    if (c === 91 || c === 123) {
      if (++flow > MAX_NESTING)
        return i;
    } else if ((c === 93 || c === 125) && flow > 0)
      flow--;
  }
  return void 0;
}
function helmTemplateOffset(text) {
  const code2 = text.replace(/(^|[ \t])#[^\r\n]*/gm, (m, lead) => lead + " ".repeat(m.length - lead.length));
  const lastClose = code2.lastIndexOf("}}");
  for (let at = code2.indexOf("{{"); at >= 0 && at + 2 <= lastClose; at = code2.indexOf("{{", at + 1)) {
    if (at === 0 || code2[at - 1] !== "$")
      return at;
  }
  return void 0;
}
function unquotedActionOffset(text) {
  const code2 = text.replace(/(^|[ \t])#[^\r\n]*/gm, (m, lead) => lead + " ".repeat(m.length - lead.length));
  for (let at = code2.indexOf("{{"); at >= 0; at = code2.indexOf("{{", at + 2)) {
    if (at > 0 && code2[at - 1] === "$")
      continue;
    const lineStart = code2.lastIndexOf("\n", at) + 1;
    const before = code2.slice(lineStart, at);
    const doubles = (before.match(/(?<!\\)"/g) ?? []).length;
    const singles = (before.match(/'/g) ?? []).length;
    if (doubles % 2 === 0 && singles % 2 === 0)
      return at;
  }
  return void 0;
}
function parseYaml(reporter, options = {}) {
  const text = reporter.text;
  const helm = options.templateStrings ? void 0 : helmTemplateOffset(text);
  if (helm !== void 0) {
    const action = reporter.file !== void 0 && /(?:^|\/)templates\//.test(reporter.file) ? helm : unquotedActionOffset(text);
    if (action !== void 0) {
      reporter.diagnostic("Helm template, not scanned", action);
      return [];
    }
  }
  const deep = excessiveNestingOffset(text);
  if (deep !== void 0) {
    reporter.diagnostic(`YAML nested more than ${MAX_NESTING} levels deep, not scanned`, deep);
    return [];
  }
  let reported = 0;
  const report = (message2, offset) => {
    if (reported++ < MAX_DIAGNOSTICS2)
      reporter.diagnostic(message2, offset);
  };
  const lib = loadYaml();
  let parsed;
  try {
    parsed = lib.parseAllDocuments(text.includes("\r") ? text.replace(/\r(?!\n)/g, "\n") : text, PARSE_OPTIONS);
  } catch (error) {
    if (helm !== void 0)
      reporter.diagnostic("Helm template, not scanned", helm);
    else
      report(`invalid YAML, file not scanned: ${safeMessage(error.message)}`);
    return [];
  }
  if (helm !== void 0 && parsed.some((doc) => doc.errors.length > 0)) {
    reporter.diagnostic("Helm template, not scanned", helm);
    return [];
  }
  const out = [];
  for (const doc of parsed) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors)
        report(`invalid YAML, document not scanned: ${safeMessage(e.message)}`, e.pos[0]);
      continue;
    }
    const d = new YamlDocument(lib, doc, text);
    if (d.check(report))
      out.push(d);
  }
  if (reported > MAX_DIAGNOSTICS2)
    reporter.diagnostic(`invalid YAML: ${reported - MAX_DIAGNOSTICS2} more problems`);
  return out;
}
function safeMessage(message2) {
  return message2.replace(/:\s[\s\S]*$/, "").replace(/^(Invalid escape sequence)[\s\S]*$/, "$1").trim();
}
var YamlDocument = class {
  lib;
  doc;
  text;
  targets = /* @__PURE__ */ new Map();
  entryCache = /* @__PURE__ */ new Map();
  constructor(lib, doc, text) {
    this.lib = lib;
    this.doc = doc;
    this.text = text;
  }
  /** The document's top-level node (aliases followed). */
  get root() {
    return this.resolve(this.doc.contents);
  }
  /**
   * Indexes anchors, reports duplicate keys, and rejects the document (returns false) when an
   * alias has no anchor, refers to itself, or expands beyond MAX_ALIAS_EXPANSION nodes.
   */
  check(report) {
    const lib = this.lib;
    const anchors = /* @__PURE__ */ new Map();
    let ok = true;
    let nodes = 0;
    lib.visit(this.doc, (_key, node) => {
      if (!lib.isNode(node))
        return;
      nodes++;
      if (lib.isAlias(node)) {
        const target = anchors.get(node.source);
        if (target)
          this.targets.set(node, target);
        else {
          report(`YAML alias \`*${node.source}\` has no anchor before it, document not scanned`, node.range?.[0]);
          ok = false;
        }
        return;
      }
      if (node.anchor)
        anchors.set(node.anchor, node);
      if (lib.isMap(node))
        this.reportDuplicates(node, report);
    });
    if (!ok)
      return false;
    const size = this.expandedSize(this.doc.contents, nodes + MAX_ALIAS_EXPANSION);
    if (size === Infinity) {
      report("YAML alias refers to the node that contains it, document not scanned", this.doc.range?.[0]);
      return false;
    }
    if (size > nodes + MAX_ALIAS_EXPANSION) {
      report(`YAML aliases expand to more than ${MAX_ALIAS_EXPANSION} extra nodes (an alias bomb?), document not scanned`, this.doc.range?.[0]);
      return false;
    }
    return true;
  }
  reportDuplicates(map, report) {
    const seen = /* @__PURE__ */ new Set();
    for (const pair of map.items) {
      if (this.isMergeKey(pair.key))
        continue;
      const key = this.keyString(pair.key);
      if (key === void 0)
        continue;
      if (seen.has(key))
        report(`duplicate YAML key \`${key}\` (the last one wins)`, pair.key.range?.[0]);
      seen.add(key);
    }
  }
  /** Node count with every alias expanded, memoised per collection; Infinity for a recursive alias. Stops counting past `limit`. */
  expandedSize(root, limit) {
    const lib = this.lib;
    const memo = /* @__PURE__ */ new Map();
    const active = /* @__PURE__ */ new Set();
    const size = (node) => {
      if (lib.isAlias(node)) {
        const target = this.targets.get(node);
        return target ? size(target) : 1;
      }
      if (!lib.isCollection(node))
        return 1;
      const known = memo.get(node);
      if (known !== void 0)
        return known;
      if (active.has(node))
        return Infinity;
      active.add(node);
      let total = 1;
      for (const item of node.items) {
        total += lib.isPair(item) ? size(item.key) + size(item.value) : size(item);
        if (total > limit)
          break;
      }
      active.delete(node);
      memo.set(node, total);
      return total;
    };
    return size(root);
  }
  /** Follows aliases (the document was checked, so this ends). */
  resolve(node) {
    let n = node;
    while (this.lib.isAlias(n))
      n = this.targets.get(n);
    return this.lib.isNode(n) ? n : null;
  }
  isMergeKey(key) {
    if (!this.lib.isScalar(key))
      return false;
    const v = key.value;
    return typeof v === "symbol" && v.description === "<<" || v === "<<" && key.type === "PLAIN";
  }
  keyString(key) {
    const k = this.resolve(key);
    if (!this.lib.isScalar(k))
      return void 0;
    const v = k.value;
    if (typeof v === "string")
      return v;
    if (typeof v === "number" || typeof v === "boolean")
      return k.source ?? String(v);
    return void 0;
  }
  /**
   * A map's entries in file order, then the entries its `<<` merge keys bring in that it does not
   * set itself (an earlier merge source wins over a later one, as in YAML 1.1). Duplicate keys are
   * all returned; `get` picks the last.
   */
  entries(node) {
    const map = this.resolve(node);
    if (!this.lib.isMap(map))
      return [];
    const cached2 = this.entryCache.get(map);
    if (cached2)
      return cached2;
    const own = [];
    const sources = [];
    for (const pair of map.items) {
      if (this.isMergeKey(pair.key)) {
        const v = this.resolve(pair.value);
        if (this.lib.isSeq(v))
          for (const item of v.items)
            for (const source of this.nonNull(this.resolve(item)))
              sources.push(source);
        else
          pushAll(sources, this.nonNull(v));
        continue;
      }
      const key = this.keyString(pair.key);
      const keyNode = this.resolve(pair.key);
      if (key === void 0 || !this.lib.isScalar(keyNode))
        continue;
      own.push({ key, keyNode, keyRange: this.keyRange(keyNode, key), value: this.resolve(pair.value), merged: false, origin: map });
    }
    const have = new Set(own.map((e) => e.key));
    const merged = [];
    for (const source of sources) {
      const last = /* @__PURE__ */ new Map();
      for (const e of this.entries(source))
        last.set(e.key, e);
      for (const [key, e] of last) {
        if (have.has(key))
          continue;
        have.add(key);
        merged.push({ ...e, merged: true });
      }
    }
    const all = [...own, ...merged];
    this.entryCache.set(map, all);
    return all;
  }
  nonNull(node) {
    return node ? [node] : [];
  }
  /** The value of `key` in a map (the last one written wins, then merge keys). */
  get(node, key) {
    let found;
    for (const e of this.entries(node))
      if (e.key === key)
        found = e;
    return found?.value ?? null;
  }
  /** Follows a path of keys through nested maps. */
  path(node, ...keys) {
    let n = this.resolve(node);
    for (const k of keys)
      n = this.get(n, k);
    return n;
  }
  /** A sequence's items with aliases followed; [] for anything else. */
  items(node) {
    const seq = this.resolve(node);
    if (!this.lib.isSeq(seq))
      return [];
    const out = [];
    for (const item of seq.items)
      for (const source of this.nonNull(this.resolve(item)))
        out.push(source);
    return out;
  }
  isMap(node) {
    return this.lib.isMap(this.resolve(node));
  }
  /** The anchor name of a node (`env` for `&env`), after following aliases. */
  anchor(node) {
    return this.resolve(node)?.anchor ?? void 0;
  }
  /** Absent, empty (`key:`) or an explicit `null` / `~`. */
  isNull(node) {
    const n = this.resolve(node);
    return n === null || this.lib.isScalar(n) && n.value === null;
  }
  isSeq(node) {
    return this.lib.isSeq(this.resolve(node));
  }
  /**
   * A scalar as a string: strings decoded, numbers and booleans as written (`0`, `on`, `1.10` are
   * text to whoever reads an environment variable); undefined for null, collections and absence.
   */
  string(node) {
    const n = this.resolve(node);
    if (!this.lib.isScalar(n))
      return void 0;
    const v = n.value;
    if (typeof v === "string")
      return v;
    if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint")
      return n.source ?? String(v);
    return void 0;
  }
  /** A scalar's string value and its location: exact for plain scalars and quoted ones without escapes. */
  scalar(node) {
    const value = this.string(node);
    const n = this.resolve(node);
    if (value === void 0 || !n?.range)
      return void 0;
    return { value, loc: locateValue(this.text, n.range[0], n.range[1], value) };
  }
  /** Where a key's name is written. */
  keyRange(keyNode, key) {
    const r = keyNode.range;
    if (!r)
      return { start: 0, end: 0 };
    const loc = locateValue(this.text, r[0], r[1], key);
    return { start: loc.start, end: loc.end };
  }
  /** The range of any node as written (a scalar including its quotes). */
  range(node) {
    const n = this.resolve(node);
    return n?.range ? { start: n.range[0], end: n.range[1] } : void 0;
  }
};

// dist/src/connection/parse.js
var import_node_net = require("node:net");

// dist/src/connection/placeholder.js
var REFERENCES = [
  /^\$\{.*\}$/s,
  /^\$[A-Za-z_][A-Za-z0-9_]*$/,
  /^\$\([^()]*\)$/,
  /^%[A-Za-z_][A-Za-z0-9_]*%$/,
  /^\{\{.*\}\}$/s,
  /^<[^<>]*>$/,
  /^\[[^[\]]*\]$/
];
var PLACEHOLDER_WORDS = [
  [/^(your|my)(db|database|postgres|supabase|neon)?(password|pass|pwd|secret)(here)?$/, "docs and .env.example templates"],
  [/^(changeme|changethis|replaceme|replacethis)$/, "templates asking to be edited (`changeme`, `REPLACE_ME`)"],
  // Not `secret` or `postgres` alone: they are real (if weak) passwords in many compose files.
  [/^(db|database|postgres|pg)?(password|passwd|pass|pwd)$/, "the name of the thing instead of a value (`password`, `pass`, `DB_PASSWORD`)"],
  [/^(redacted|placeholder|secrethere)$/, "the name of the thing instead of a value"]
];
var FILLER = [/^x{3,}$/i, /^\*+$/, /^\?+$/, /^\.{3,}$/, /^…+$/, /^•+$/];
function isReference(value) {
  const v = value.trim();
  return v.length > 0 && REFERENCES.some((re) => re.test(v));
}
function referenceDefault(value) {
  const m = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?-(.*)\}$/s.exec(value.trim());
  if (!m)
    return void 0;
  let depth = 0;
  for (const c of m[1]) {
    if (c === "{")
      depth++;
    else if (c === "}" && --depth < 0)
      return void 0;
  }
  return depth === 0 ? m[1] : void 0;
}
function isPlaceholder(value) {
  const v = value.trim();
  if (v === "")
    return true;
  const fallback = referenceDefault(v);
  if (fallback !== void 0)
    return isPlaceholder(fallback);
  if (isReference(v))
    return true;
  if (FILLER.some((re) => re.test(v)))
    return true;
  const word = v.toLowerCase().replace(/[\s_.-]+/g, "");
  return PLACEHOLDER_WORDS.some(([re]) => re.test(word));
}

// dist/src/connection/parse.js
var SCHEME = /(?:jdbc:postgresql|postgres(?:ql)?(?:\+[a-z0-9_]+)?):\/\//iy;
function uriSchemeLength(text, at = 0) {
  SCHEME.lastIndex = at;
  const m = SCHEME.exec(text);
  return m ? m[0].length : 0;
}
var SECRET_KEYWORDS = /* @__PURE__ */ new Set(["password", "sslpassword", "scram_client_key", "scram_server_key"]);
function isSecretKeyword(key) {
  if (SECRET_KEYWORDS.has(key))
    return true;
  if (/[^a-z0-9_]/.test(key))
    return true;
  if (/pass|pasw|pwd|secret/.test(key))
    return true;
  return !LIBPQ_KEYWORDS.has(key) && (editDistance(key, "password") <= 2 || editDistance(key, "passwd") <= 1);
}
function editDistance(a, b) {
  if (Math.abs(a.length - b.length) > 2)
    return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}
var LIBPQ_KEYWORDS = new Set("host hostaddr port dbname user passfile require_auth channel_binding connect_timeout client_encoding options application_name fallback_application_name keepalives keepalives_idle keepalives_interval keepalives_count tcp_user_timeout replication gssencmode sslmode requiressl sslnegotiation sslcompression sslcert sslkey sslkeylogfile sslcertmode sslrootcert sslcrl sslcrldir sslsni requirepeer ssl_min_protocol_version ssl_max_protocol_version min_protocol_version max_protocol_version krbsrvname gsslib gssdelegation service target_session_attrs load_balance_hosts oauth_issuer oauth_client_id oauth_scope".split(" "));
function isSecretPair(key, value) {
  return isSecretKeyword(key) || value.includes("=") && !LIBPQ_KEYWORDS.has(key);
}
var ParseError = class extends Error {
  offset;
  constructor(message2, offset) {
    super(message2);
    this.offset = offset;
  }
};
function parseConnectionString(text) {
  return parseWithSecrets(text).result;
}
function parseWithSecrets(text) {
  const secrets = [];
  try {
    let lead = 0;
    while (lead < text.length && isSpace(text.charCodeAt(lead)))
      lead++;
    const schemeLength = uriSchemeLength(text, lead);
    const connection = schemeLength > 0 ? parseUri(text, lead, schemeLength, secrets) : parseDsn(text, secrets);
    return { result: { ok: true, connection }, secrets };
  } catch (e) {
    if (e instanceof ParseError)
      return { result: { ok: false, error: e.message, offset: e.offset }, secrets };
    return { result: { ok: false, error: "unparseable connection string" }, secrets };
  }
}
function parseUri(text, lead, schemeLength, secrets) {
  let end = text.length;
  while (end > lead && isSpace(text.charCodeAt(end - 1)))
    end--;
  const scheme = text.slice(lead, lead + schemeLength - 3).toLowerCase();
  const start = lead + schemeLength;
  const scan2 = new Scanner(text);
  const netEnd = scan2.find(start, end, "/?");
  let user;
  let password;
  let hostStart = start;
  const at = text.lastIndexOf("@", netEnd - 1);
  if (at >= start) {
    const colon = scan2.find(start, at, ":");
    const u = decodeComponent(text, start, colon);
    if (u !== "")
      user = u;
    if (colon < at) {
      const value = decodeComponent(text, colon + 1, at);
      if (value !== "") {
        password = { start: colon + 1, end: at, value };
        secrets.push(password);
      }
    }
    hostStart = at + 1;
  }
  const { hosts: netHosts, ports: netPorts } = parseNetloc(text, hostStart, netEnd, scan2);
  let database;
  let queryStart = -1;
  if (netEnd < end && text[netEnd] === "/") {
    const q = text.indexOf("?", netEnd + 1);
    const pathEnd = q >= 0 && q < end ? q : end;
    const db = decodeComponent(text, netEnd + 1, pathEnd);
    if (db !== "")
      database = db;
    if (pathEnd < end)
      queryStart = pathEnd + 1;
  } else if (netEnd < end) {
    queryStart = netEnd + 1;
  }
  const params = [];
  let queryHosts;
  let queryPorts;
  if (queryStart >= 0) {
    let pos = queryStart;
    while (pos <= end) {
      let amp = text.indexOf("&", pos);
      if (amp < 0 || amp > end)
        amp = end;
      if (amp > pos) {
        let eq = pos;
        while (eq < amp && text.charCodeAt(eq) !== 61)
          eq++;
        const keyRange2 = { start: pos, end: eq };
        const key = decodeComponent(text, pos, eq).toLowerCase();
        const valueStart = eq < amp ? eq + 1 : amp;
        const value = decodeComponent(text, valueStart, amp);
        const range = { start: valueStart, end: amp };
        if (isSecretPair(key, value) && value !== "")
          secrets.push({ ...range, value });
        switch (key) {
          case "host":
            queryHosts = splitList(text, valueStart, amp).map((r) => ({ ...r, host: decodeComponent(text, r.start, r.end) }));
            break;
          case "port":
            queryPorts = splitList(text, valueStart, amp).map((r) => ({ ...r, value: decodeComponent(text, r.start, r.end) }));
            break;
          case "user":
            user = value === "" ? void 0 : value;
            break;
          case "password":
            password = value === "" ? void 0 : { ...range, value };
            break;
          case "dbname":
            database = value === "" ? void 0 : value;
            break;
          default:
            params.push({ key, value: isSecretPair(key, value) ? "****" : value, keyRange: keyRange2, ...range });
        }
      }
      pos = amp + 1;
    }
  }
  const hosts = combineHosts(queryHosts ?? netHosts, queryPorts ?? netPorts);
  return {
    form: "uri",
    scheme,
    hosts,
    ...database !== void 0 ? { database } : {},
    ...user !== void 0 ? { user } : {},
    ...password ? { password } : {},
    params
  };
}
function parseNetloc(text, start, end, scan2) {
  const hosts = [];
  const ports = [];
  let anyPort = false;
  let pos = start;
  for (; ; ) {
    let host;
    let after = -1;
    if (text[pos] === "[") {
      const close = scan2.close("]", pos + 1, end);
      if (close < 0)
        throw new ParseError('end of string reached when looking for matching "]" in IPv6 host address', pos);
      if (close === pos + 1)
        throw new ParseError("IPv6 host address may not be empty", pos);
      const inner = decodeComponent(text, pos + 1, close);
      if ((0, import_node_net.isIPv6)(inner.replace(/%.*$/s, ""))) {
        const next = close + 1;
        if (next < end && text[next] !== ":" && text[next] !== ",") {
          throw new ParseError('unexpected character after IPv6 host address (expected ":" or "/")', next);
        }
        host = { start: pos + 1, end: close, host: inner, ip: "v6" };
        after = next;
      }
    }
    if (!host) {
      after = scan2.find(pos, end, ":,");
      host = { start: pos, end: after, host: decodeComponent(text, pos, after) };
    }
    hosts.push(host);
    let port = null;
    if (after < end && text[after] === ":") {
      const portEnd = scan2.find(after + 1, end, ",");
      port = { start: after + 1, end: portEnd, value: decodeComponent(text, after + 1, portEnd) };
      anyPort = true;
      after = portEnd;
    }
    ports.push(port);
    if (after < end && text[after] === ",") {
      pos = after + 1;
      continue;
    }
    break;
  }
  return { hosts, ports: anyPort || hosts.length > 1 ? ports : void 0 };
}
function splitList(text, start, end) {
  const out = [];
  let pos = start;
  for (; ; ) {
    let comma = text.indexOf(",", pos);
    if (comma < 0 || comma > end)
      comma = end;
    out.push({ start: pos, end: comma });
    if (comma >= end)
      return out;
    pos = comma + 1;
  }
}
function combineHosts(hosts, ports) {
  if (ports && ports.length !== 1 && ports.length !== hosts.length) {
    throw new ParseError(`could not match ${ports.length} port numbers to ${hosts.length} hosts`, ports[0]?.start ?? hosts[0]?.start ?? 0);
  }
  return hosts.map((h, i) => {
    const portToken = ports ? ports.length === 1 ? ports[0] : ports[i] : null;
    const out = { start: h.start, end: h.end, host: h.host, socket: isSocket(h.host) };
    const ip = h.ip ?? ipVersion(h.host);
    if (ip)
      out.ip = ip;
    if (portToken) {
      const port = portNumber(portToken.value, portToken.start);
      if (port !== void 0)
        out.port = port;
      if (portToken.end > portToken.start)
        out.portRange = { start: portToken.start, end: portToken.end };
    }
    return out;
  });
}
function portNumber(raw, offset) {
  const v = raw.trim();
  if (v === "" || isReference(v))
    return void 0;
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    if (n < 1 || n > 65535)
      throw new ParseError("invalid port number", offset);
    return n;
  }
  throw new ParseError('invalid integer value for connection option "port"', offset);
}
function ipVersion(host) {
  if (host === "" || !/^[0-9A-Fa-f.:%]/.test(host))
    return void 0;
  return (0, import_node_net.isIPv4)(host) ? "v4" : host.includes(":") && (0, import_node_net.isIPv6)(host) ? "v6" : void 0;
}
function isSocket(host) {
  return host === "" || host.startsWith("/") || host.startsWith("@");
}
var utf8 = new TextDecoder("utf-8");
function decodeComponent(text, start, end) {
  const raw = text.slice(start, end);
  if (!raw.includes("%") || isReference(raw))
    return raw;
  let out = "";
  let pos = start;
  while (pos < end) {
    const pct = text.indexOf("%", pos);
    if (pct < 0 || pct >= end) {
      out += text.slice(pos, end);
      break;
    }
    out += text.slice(pos, pct);
    const bytes = [];
    let j = pct;
    while (j < end && text.charCodeAt(j) === 37) {
      const hi = j + 1 < end ? hexValue(text.charCodeAt(j + 1)) : -1;
      const lo = j + 2 < end ? hexValue(text.charCodeAt(j + 2)) : -1;
      if (hi < 0 || lo < 0)
        throw new ParseError("invalid percent-encoded token", j);
      const byte = hi * 16 + lo;
      if (byte === 0)
        throw new ParseError("forbidden value %00 in percent-encoded value", j);
      bytes.push(byte);
      j += 3;
    }
    out += utf8.decode(Uint8Array.from(bytes));
    pos = j;
  }
  return out;
}
function hexValue(c) {
  if (c >= 48 && c <= 57)
    return c - 48;
  if (c >= 65 && c <= 70)
    return c - 55;
  if (c >= 97 && c <= 102)
    return c - 87;
  return -1;
}
var Scanner = class {
  text;
  cache = /* @__PURE__ */ new Map();
  constructor(text) {
    this.text = text;
  }
  /** Index of the next `token` at or after `from`, if it is before `end`; else -1. */
  close(token, from, end) {
    const c = this.cache.get(token);
    let at;
    if (c && from >= c.from && (c.at < 0 || c.at >= from))
      at = c.at;
    else {
      at = this.text.indexOf(token, from);
      this.cache.set(token, { from, at });
    }
    return at >= 0 && at < end ? at : -1;
  }
  /** Index of the first character of `stops` in [from, end) outside groups; `end` if none. */
  find(from, end, stops) {
    const t = this.text;
    let i = from;
    while (i < end) {
      const ch = t[i];
      if (stops.includes(ch))
        return i;
      let skip = -1;
      if (ch === "$" && t[i + 1] === "{") {
        const c = this.close("}", i + 2, end);
        if (c >= 0)
          skip = c + 1;
      } else if (ch === "{" && t[i + 1] === "{") {
        const c = this.close("}}", i + 2, end);
        if (c >= 0 && c + 2 <= end)
          skip = c + 2;
      } else if (ch === "[") {
        const c = this.close("]", i + 1, end);
        if (c >= 0)
          skip = c + 1;
      }
      i = skip > i ? skip : i + 1;
    }
    return end;
  }
};
function isSpace(c) {
  return c === 32 || c >= 9 && c <= 13;
}
function tokenizeDsn(text, each) {
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (isSpace(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const keyStart = i;
    while (i < n && text[i] !== "=" && !isSpace(text.charCodeAt(i)))
      i++;
    const keyEnd = i;
    while (i < n && isSpace(text.charCodeAt(i)))
      i++;
    if (text[i] !== "=")
      throw new ParseError('missing "=" after a keyword in connection info string', keyStart);
    if (keyEnd === keyStart)
      throw new ParseError('missing keyword before "=" in connection info string', i);
    i++;
    while (i < n && isSpace(text.charCodeAt(i)))
      i++;
    const v = readDsnValue(text, i);
    i = v.next;
    each(text.slice(keyStart, keyEnd), { start: keyStart, end: keyEnd }, { start: v.start, end: v.end, value: v.value, rawIndex: v.rawIndex });
  }
}
function dsnKeywords(text) {
  const keys = [];
  try {
    tokenizeDsn(text, (key) => keys.push(key));
    return { keys, complete: true };
  } catch (e) {
    if (e instanceof ParseError && e.message.startsWith("unterminated"))
      return { keys, complete: false };
    return void 0;
  }
}
function parseDsn(text, secrets) {
  const params = [];
  let hostValue;
  let portValue;
  let user;
  let password;
  let database;
  tokenizeDsn(text, (rawKey, keyRange2, val) => {
    const key = rawKey.toLowerCase();
    if (isSecretPair(key, val.value) && val.value !== "")
      secrets.push({ start: val.start, end: val.end, value: val.value });
    switch (key) {
      case "host":
        hostValue = val;
        break;
      case "port":
        portValue = val;
        break;
      case "user":
        user = val.value === "" ? void 0 : val.value;
        break;
      case "password":
        password = val.value === "" ? void 0 : { start: val.start, end: val.end, value: val.value };
        break;
      case "dbname":
        database = val.value === "" ? void 0 : val.value;
        break;
      default:
        params.push({ key, value: isSecretPair(key, val.value) ? "****" : val.value, keyRange: keyRange2, start: val.start, end: val.end });
    }
  });
  let hosts = [];
  if (hostValue) {
    const tokens = splitDsnList(hostValue).map((r) => ({ start: r.start, end: r.end, host: r.value }));
    const ports = portValue ? splitDsnList(portValue) : void 0;
    hosts = combineHosts(tokens, ports);
  } else if (portValue) {
    for (const p of splitDsnList(portValue))
      portNumber(p.value, p.start);
  }
  return {
    form: "dsn",
    hosts,
    ...database !== void 0 ? { database } : {},
    ...user !== void 0 ? { user } : {},
    ...password ? { password } : {},
    params
  };
}
function readDsnValue(text, at) {
  const n = text.length;
  const rawIndex = [];
  let value = "";
  let i = at;
  if (text[i] === "'") {
    const open = i;
    i++;
    const start2 = i;
    let plain2 = i;
    while (plain2 < n && text.charCodeAt(plain2) !== 39 && text.charCodeAt(plain2) !== 92)
      plain2++;
    if (plain2 >= n)
      throw new ParseError("unterminated quoted string in connection info string", open);
    if (text.charCodeAt(plain2) === 39)
      return { start: start2, end: plain2, value: text.slice(start2, plain2), rawIndex: void 0, next: plain2 + 1 };
    for (; ; ) {
      if (i >= n)
        throw new ParseError("unterminated quoted string in connection info string", open);
      const ch = text[i];
      if (ch === "\\") {
        rawIndex.push(i);
        i++;
        if (i < n)
          value += text[i++];
        else
          rawIndex.pop();
        continue;
      }
      if (ch === "'")
        return { start: start2, end: i, value, rawIndex, next: i + 1 };
      rawIndex.push(i);
      value += ch;
      i++;
    }
  }
  const start = i;
  let plain = i;
  while (plain < n && !isSpace(text.charCodeAt(plain)) && text.charCodeAt(plain) !== 92)
    plain++;
  if (plain >= n || isSpace(text.charCodeAt(plain))) {
    return { start, end: plain, value: text.slice(start, plain), rawIndex: void 0, next: plain };
  }
  while (i < n && !isSpace(text.charCodeAt(i))) {
    if (text[i] === "\\") {
      rawIndex.push(i);
      i++;
      if (i < n)
        value += text[i++];
      else
        rawIndex.pop();
    } else {
      rawIndex.push(i);
      value += text[i++];
    }
  }
  return { start, end: i, value, rawIndex, next: i };
}
function splitDsnList(v) {
  const out = [];
  let from = 0;
  const index = v.rawIndex;
  const rawAt = (k) => index === void 0 ? v.start + k : k < index.length ? index[k] : v.end;
  for (let k = 0; k <= v.value.length; k++) {
    if (k === v.value.length || v.value[k] === ",") {
      out.push({ start: rawAt(from), end: rawAt(k), value: v.value.slice(from, k) });
      from = k + 1;
    }
  }
  return out;
}

// dist/src/connection/find.js
var LIBPQ_KEYWORDS2 = /* @__PURE__ */ new Set([
  "host",
  "hostaddr",
  "port",
  "dbname",
  "user",
  "password",
  "passfile",
  "require_auth",
  "channel_binding",
  "connect_timeout",
  "client_encoding",
  "options",
  "application_name",
  "fallback_application_name",
  "keepalives",
  "keepalives_idle",
  "keepalives_interval",
  "keepalives_count",
  "tcp_user_timeout",
  "replication",
  "gssencmode",
  "sslmode",
  "sslnegotiation",
  "sslcompression",
  "sslcert",
  "sslkey",
  "sslkeylogfile",
  "sslpassword",
  "sslcertmode",
  "sslrootcert",
  "sslcrl",
  "sslcrldir",
  "sslsni",
  "requirepeer",
  "ssl_min_protocol_version",
  "ssl_max_protocol_version",
  "min_protocol_version",
  "max_protocol_version",
  "krbsrvname",
  "gsslib",
  "gssdelegation",
  "scram_client_key",
  "scram_server_key",
  "service",
  "target_session_attrs",
  "load_balance_hosts",
  "oauth_issuer",
  "oauth_client_id",
  "oauth_client_secret",
  "oauth_scope"
]);
var ANCHOR_KEYWORDS = /* @__PURE__ */ new Set(["host", "hostaddr", "dbname"]);
var CANDIDATE = /postgres/gi;
var ANGLE_PLACEHOLDER = /<[A-Za-z_][A-Za-z0-9_.-]{0,63}>/y;
var TRAILING_PUNCTUATION = ".,;:";
var CLOSERS = { ")": "(", "]": "[", "}": "{" };
function findConnectionStrings(value) {
  if (value.indexOf("=") >= 0) {
    const dsn = wholeValueDsn(value);
    if (dsn)
      return [dsn];
  }
  const found = [];
  if (value.indexOf("postgres") < 0 && !/postgres/i.test(value))
    return found;
  CANDIDATE.lastIndex = 0;
  let m;
  while ((m = CANDIDATE.exec(value)) !== null) {
    let start = m.index;
    let schemeLength = 0;
    if (start >= 5 && value.slice(start - 5, start).toLowerCase() === "jdbc:") {
      schemeLength = uriSchemeLength(value, start - 5);
      if (schemeLength > 0)
        start -= 5;
    }
    if (schemeLength === 0)
      schemeLength = uriSchemeLength(value, start);
    if (schemeLength === 0 || start > 0 && isSchemeChar(value.charCodeAt(start - 1)))
      continue;
    const end = uriEnd(value, start, start + schemeLength);
    if (end > start + schemeLength)
      found.push({ start, end, text: value.slice(start, end), form: "uri" });
    CANDIDATE.lastIndex = Math.max(end, start + schemeLength);
  }
  return found;
}
function isSchemeChar(c) {
  return c >= 48 && c <= 57 || c >= 65 && c <= 90 || c >= 97 && c <= 122 || c === 43 || c === 45 || c === 46;
}
function isTerminator(c) {
  if (c <= 32 || c === 127)
    return true;
  if (c === 34 || c === 39 || c === 96 || c === 60 || c === 62)
    return true;
  return c === 133 || c === 160 || c === 5760 || c >= 8192 && c <= 8202 || c === 8232 || c === 8233 || c === 8239 || c === 8287 || c === 12288 || c === 65279;
}
var MAX_TEMPLATE_ACTION = 200;
function uriEnd(value, start, from) {
  let i = from;
  while (i < value.length) {
    const c = value.charCodeAt(i);
    if (c === 60) {
      const skip = placeholderEnd(value, i);
      if (skip > 0) {
        i = skip;
        continue;
      }
    }
    if (c === 123 && value.charCodeAt(i + 1) === 123) {
      const action = value.slice(i, i + MAX_TEMPLATE_ACTION + 2);
      const close = action.indexOf("}}", 2);
      if (close > 0 && !/[\r\n]/.test(action.slice(0, close))) {
        i += close + 2;
        continue;
      }
    }
    if (isTerminator(c))
      break;
    i++;
  }
  return trimTrailing(value, from, i);
}
function placeholderEnd(value, at) {
  ANGLE_PLACEHOLDER.lastIndex = at;
  const m = ANGLE_PLACEHOLDER.exec(value);
  if (!m)
    return -1;
  const end = at + m[0].length;
  const before = value[at - 1] ?? "";
  const after = value[end] ?? "";
  return ":@/=".includes(before) || after !== "" && "@:/?&=,.".includes(after) ? end : -1;
}
function trimTrailing(value, from, end) {
  const open = { "(": 0, "[": 0, "{": 0 };
  const close = { ")": 0, "]": 0, "}": 0 };
  for (let i = from; i < end; i++) {
    const ch = value[i];
    if (ch in open)
      open[ch]++;
    else if (ch in close)
      close[ch]++;
  }
  while (end > from) {
    const ch = value[end - 1];
    if (TRAILING_PUNCTUATION.includes(ch)) {
      end--;
      continue;
    }
    const opener = CLOSERS[ch];
    if (opener !== void 0 && close[ch] > open[opener]) {
      close[ch]--;
      end--;
      continue;
    }
    break;
  }
  return end;
}
function wholeValueDsn(value) {
  let start = 0;
  let end = value.length;
  while (start < end && /\s/.test(value[start]))
    start++;
  while (end > start && /\s/.test(value[end - 1]))
    end--;
  const text = value.slice(start, end);
  if (!/^[a-z_]+\s*=/.test(text))
    return void 0;
  const scanned = dsnKeywords(text);
  if (!scanned)
    return void 0;
  const recognised = new Set(scanned.keys.filter((k) => LIBPQ_KEYWORDS2.has(k)));
  if (recognised.size < 2 || ![...recognised].some((k) => ANCHOR_KEYWORDS.has(k)))
    return void 0;
  return { start, end, text, form: "dsn" };
}

// dist/src/connection/mask.js
var MASK = "****";
function maskConnectionString(text) {
  return applyMask(text, connectionSecretRanges(text));
}
function maskSecrets(text) {
  const ranges = [];
  for (const found of findConnectionStrings(text)) {
    for (const r of connectionSecretRanges(found.text))
      ranges.push({ start: found.start + r.start, end: found.start + r.end });
    const spaced = found.form === "uri" ? spacedUserinfoRange(text, found.start, found.end) : void 0;
    if (spaced)
      ranges.push(spaced);
  }
  for (const list of [anyUriUserinfoRanges(text), keywordRanges(text), privateKeyRanges(text)])
    pushAll(ranges, list);
  return applyMask(text, ranges);
}
function connectionSecretRanges(text) {
  const { result: result2, secrets } = parseWithSecrets(text);
  const ranges = secrets.filter((s) => !isPlaceholder(s.value)).map((s) => ({ start: s.start, end: s.end }));
  const userinfo = postgresUserinfoRange(text, result2.ok);
  if (userinfo)
    ranges.push(userinfo);
  pushAll(ranges, keywordRanges(text));
  for (const m of text.matchAll(/:([^:@/?#&=\s]+)@/g)) {
    if (!isPlaceholder(m[1]))
      ranges.push({ start: m.index + 1, end: m.index + 1 + m[1].length });
  }
  return ranges;
}
function postgresUserinfoRange(text, parsed) {
  let lead = 0;
  while (lead < text.length && /\s/.test(text[lead]))
    lead++;
  const schemeLength = uriSchemeLength(text, lead);
  if (schemeLength === 0)
    return void 0;
  const from = lead + schemeLength;
  let limit = text.length;
  if (parsed) {
    const q = text.indexOf("?", from);
    if (q >= 0)
      limit = q;
  }
  const at = lastIndexIn(text, "@", from, limit);
  if (at < 0)
    return parsed ? void 0 : unparsedPortRange(text, from);
  if (parsed) {
    const slash = text.indexOf("/", from);
    if (slash < 0 || at < slash)
      return void 0;
  }
  return passwordOfUserinfo(text, from, at);
}
function unparsedPortRange(text, from) {
  if (text[from] === "[")
    return void 0;
  let end = from;
  while (end < text.length && !"/?#".includes(text[end]) && !/\s/.test(text[end]))
    end++;
  const colon = text.indexOf(":", from);
  if (colon < 0 || colon >= end - 1)
    return void 0;
  const port = text.slice(colon + 1, end);
  if (/^[\d,]*$/.test(port) || isPlaceholder(port) || isPlaceholder(safeDecode(port)))
    return void 0;
  return { start: colon + 1, end };
}
function passwordOfUserinfo(text, from, at) {
  let i = from;
  let groups = true;
  while (i < at) {
    if (groups && text[i] === "$" && text[i + 1] === "{") {
      const close = text.indexOf("}", i + 2);
      if (close >= 0 && close < at) {
        i = close + 1;
        continue;
      }
      groups = false;
    }
    if (text[i] === ":")
      break;
    i++;
  }
  if (i >= at || i + 1 === at)
    return void 0;
  const raw = text.slice(i + 1, at);
  return isPlaceholder(raw) || isPlaceholder(safeDecode(raw)) ? void 0 : { start: i + 1, end: at };
}
function spacedUserinfoRange(text, start, end) {
  const from = start + uriSchemeLength(text, start);
  if (lastIndexIn(text, "@", from, end) >= 0)
    return void 0;
  let limit = end;
  while (limit < text.length && !"/\n\r\"'`".includes(text[limit]))
    limit++;
  const at = lastIndexIn(text, "@", end, limit);
  return at < 0 ? void 0 : passwordOfUserinfo(text, from, at);
}
function anyUriUserinfoRanges(text) {
  const ranges = [];
  let idx = text.indexOf("://");
  while (idx >= 0) {
    const from = idx + 3;
    let end = from;
    while (end < text.length && !/[\s'"`<>/?#]/.test(text[end]))
      end++;
    const at = lastIndexIn(text, "@", from, end);
    if (at >= 0) {
      const r = passwordOfUserinfo(text, from, at);
      if (r)
        ranges.push(r);
    }
    idx = text.indexOf("://", Math.max(end, from));
  }
  return ranges;
}
var KEYWORD = /passw(?:or)?d|pwd/gi;
function keywordRanges(text) {
  const ranges = [];
  if (!/passw|pwd/i.test(text))
    return ranges;
  KEYWORD.lastIndex = 0;
  let m;
  while ((m = KEYWORD.exec(text)) !== null) {
    const keyEnd = m.index + m[0].length;
    if (keyEnd < text.length && /[A-Za-z0-9_]/.test(text[keyEnd]))
      continue;
    let i = keyEnd;
    while (i < text.length && (text[i] === " " || text[i] === "	"))
      i++;
    if (text[i] !== "=")
      continue;
    i++;
    while (i < text.length && (text[i] === " " || text[i] === "	"))
      i++;
    const quote3 = text[i];
    let start;
    let end;
    if (quote3 === "'" || quote3 === '"') {
      start = i + 1;
      end = start;
      while (end < text.length && text[end] !== quote3)
        end += text[end] === "\\" ? 2 : 1;
      end = Math.min(end, text.length);
    } else {
      start = i;
      end = i;
      while (end < text.length && !/[\s&'"`]/.test(text[end]))
        end++;
    }
    KEYWORD.lastIndex = Math.max(end, keyEnd);
    if (end <= start)
      continue;
    const raw = text.slice(start, end);
    if (isPlaceholder(raw) || isPlaceholder(safeDecode(raw)))
      continue;
    ranges.push({ start, end });
  }
  return ranges;
}
function privateKeyRanges(text) {
  const ranges = [];
  let idx = text.indexOf("-----BEGIN ");
  while (idx >= 0) {
    const headerEnd = text.indexOf("-----", idx + 11);
    if (headerEnd < 0)
      break;
    const label = text.slice(idx + 11, headerEnd);
    const bodyStart = headerEnd + 5;
    let next = bodyStart;
    if (/PRIVATE KEY$/.test(label) && label.length < 64) {
      const endMarker = text.indexOf("-----END ", bodyStart);
      let start = bodyStart;
      let end = endMarker < 0 ? text.length : endMarker;
      next = end;
      while (start < end && (text[start] === "\r" || text[start] === "\n"))
        start++;
      while (end > start && /\s/.test(text[end - 1]))
        end--;
      if (end > start)
        ranges.push({ start, end });
      if (endMarker < 0)
        break;
    }
    idx = text.indexOf("-----BEGIN ", next);
  }
  return ranges;
}
function lastIndexIn(text, ch, from, end) {
  for (let i = end - 1; i >= from; i--)
    if (text[i] === ch)
      return i;
  return -1;
}
function safeDecode(raw) {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
function applyMask(text, ranges) {
  if (ranges.length === 0)
    return text;
  const sorted = [...ranges].sort((a, b) => a.start - b.start || b.end - a.end);
  let out = "";
  let pos = 0;
  for (const r of sorted) {
    if (r.end <= pos)
      continue;
    const start = Math.max(r.start, pos);
    out += text.slice(pos, start) + MASK;
    pos = r.end;
  }
  return out + text.slice(pos);
}

// dist/src/files/access.js
var import_node_fs2 = __toESM(require("node:fs"), 1);
var import_node_path2 = __toESM(require("node:path"), 1);

// dist/src/files/boundary.js
var import_node_fs = __toESM(require("node:fs"), 1);
var import_node_path = __toESM(require("node:path"), 1);
function isInside(child, parent) {
  const rel = import_node_path.default.relative(parent, child);
  return rel === "" || rel !== ".." && !rel.startsWith(`..${import_node_path.default.sep}`) && !import_node_path.default.isAbsolute(rel);
}
function realpathOrSelf(p) {
  try {
    return import_node_fs.default.realpathSync.native(p);
  } catch {
    return p;
  }
}
function repositoryAbove(dir) {
  for (let current = dir; ; current = import_node_path.default.dirname(current)) {
    try {
      import_node_fs.default.lstatSync(import_node_path.default.join(current, ".git"));
      return current;
    } catch {
    }
    if (import_node_path.default.dirname(current) === current)
      return void 0;
  }
}
function workingBoundary(cwd) {
  const lexicalCwd = import_node_path.default.resolve(cwd);
  const realCwd = realpathOrSelf(lexicalCwd);
  const lexical = [lexicalCwd, realCwd];
  const real = [realCwd];
  for (const start of [lexicalCwd, realCwd]) {
    const repository = repositoryAbove(start);
    if (repository === void 0)
      continue;
    lexical.push(repository);
    const resolved = realpathOrSelf(repository);
    lexical.push(resolved);
    real.push(resolved);
  }
  return { lexical: [...new Set(lexical)], real: [...new Set(real)] };
}
function namedInside(boundary, abs) {
  return boundary.lexical.some((dir) => isInside(abs, dir));
}
function resolvesInside(boundary, real) {
  return boundary.real.some((dir) => isInside(real, dir));
}
function leavesBoundary(boundary, abs) {
  if (!namedInside(boundary, abs))
    return void 0;
  let existing = abs;
  let rest = "";
  for (; ; ) {
    try {
      const real = import_node_fs.default.realpathSync.native(existing);
      const resolved = rest === "" ? real : import_node_path.default.join(real, rest);
      return resolvesInside(boundary, resolved) ? void 0 : resolved;
    } catch (error) {
      const code2 = error.code;
      if (code2 !== "ENOENT" && code2 !== "ENOTDIR")
        return void 0;
    }
    const parent = import_node_path.default.dirname(existing);
    if (parent === existing)
      return void 0;
    rest = rest === "" ? import_node_path.default.basename(existing) : import_node_path.default.join(import_node_path.default.basename(existing), rest);
    existing = parent;
  }
}

// dist/src/files/access.js
var FileAccessError = class extends Error {
  code;
  system;
  name = "FileAccessError";
  constructor(message2, code2, system = false) {
    super(message2);
    this.code = code2;
    this.system = system;
  }
};
var O_NOFOLLOW = import_node_fs2.default.constants.O_NOFOLLOW ?? 0;
var O_NONBLOCK = import_node_fs2.default.constants.O_NONBLOCK ?? 0;
var O_NOCTTY = import_node_fs2.default.constants.O_NOCTTY ?? 0;
function systemError(error, doing) {
  const code2 = error.code;
  if (code2 === "ELOOP")
    return new FileAccessError(`is a symbolic link, not ${doing} through it`, code2);
  if (code2 === "ENXIO")
    return new FileAccessError(`is a FIFO or socket, not ${doing}`, code2);
  return new FileAccessError(`cannot be ${doing} (${code2 ?? error.message})`, code2 ?? error.message, true);
}
function outside(real) {
  return new FileAccessError(`leads through a symbolic link outside the working directory and its repository (to ${real}), not followed`);
}
function kindOf(stat) {
  if (stat.isDirectory())
    return "a directory";
  if (stat.isFIFO())
    return "a FIFO";
  if (stat.isSocket())
    return "a socket";
  if (stat.isCharacterDevice() || stat.isBlockDevice())
    return "a device";
  return "not a regular file";
}
function readNamedFile(abs, { maxBytes, boundary }) {
  let real;
  try {
    real = import_node_fs2.default.realpathSync.native(abs);
  } catch (error) {
    const code2 = error.code;
    if (code2 === "ENOENT" || code2 === "ENOTDIR")
      throw new FileAccessError("no such file", "ENOENT");
    throw systemError(error, "read");
  }
  const leaving = leavesBoundary(boundary, abs);
  if (leaving !== void 0)
    throw outside(leaving);
  let fd;
  try {
    fd = import_node_fs2.default.openSync(real, import_node_fs2.default.constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  } catch (error) {
    if (error.code === "ENOENT")
      throw new FileAccessError("no such file", "ENOENT");
    throw systemError(error, "read");
  }
  try {
    const stat = import_node_fs2.default.fstatSync(fd);
    if (!stat.isFile())
      throw new FileAccessError(`is ${kindOf(stat)}; name a regular file`, stat.isDirectory() ? "EISDIR" : void 0);
    const tooLarge = () => new FileAccessError(`is larger than ${maxBytes} bytes, not read`, "EFBIG");
    if (stat.size > maxBytes)
      throw tooLarge();
    const buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(stat.size + 1, 64 * 1024)));
    let length = 0;
    let chunk = buffer;
    for (; ; ) {
      if (length === chunk.length) {
        if (length > maxBytes)
          throw tooLarge();
        const bigger = Buffer.allocUnsafe(Math.min(maxBytes + 1, chunk.length * 2));
        chunk.copy(bigger, 0, 0, length);
        chunk = bigger;
      }
      const n = import_node_fs2.default.readSync(fd, chunk, length, chunk.length - length, null);
      if (n === 0)
        break;
      length += n;
    }
    if (length > maxBytes)
      throw tooLarge();
    return chunk.subarray(0, length);
  } catch (error) {
    if (error instanceof FileAccessError)
      throw error;
    throw systemError(error, "read");
  } finally {
    import_node_fs2.default.closeSync(fd);
  }
}
function prepareDirectory(abs, { boundary, mkdir }) {
  const leaving = leavesBoundary(boundary, abs);
  if (leaving !== void 0)
    throw outside(leaving);
  if (mkdir) {
    try {
      import_node_fs2.default.mkdirSync(import_node_path2.default.dirname(abs), { recursive: true });
    } catch (error) {
      throw systemError(error, "written");
    }
  }
}
function writeAll(fd, data) {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  let at = 0;
  while (at < bytes.length)
    at += import_node_fs2.default.writeSync(fd, bytes, at, bytes.length - at);
}
function writeNamedFile(abs, data, options) {
  prepareDirectory(abs, options);
  let fd;
  try {
    fd = import_node_fs2.default.openSync(abs, import_node_fs2.default.constants.O_WRONLY | import_node_fs2.default.constants.O_CREAT | import_node_fs2.default.constants.O_TRUNC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 438);
  } catch (error) {
    throw systemError(error, "written");
  }
  try {
    writeAll(fd, data);
  } catch (error) {
    throw systemError(error, "written");
  } finally {
    import_node_fs2.default.closeSync(fd);
  }
}

// dist/src/config/load.js
var require4 = createRequire(__sslguardFileUrl);
var yamlModule;
var jsoncModule;
var yaml = () => yamlModule ??= require4("yaml");
var jsonc2 = () => jsoncModule ??= require4("jsonc-parser");
var ConfigError = class extends Error {
  constructor(message2) {
    super(message2);
    this.name = "ConfigError";
  }
};
var MAX_CONFIG_BYTES = 1024 * 1024;
var CONFIG_FILE_NAMES = [".sslguard.json", ".sslguard.yaml", ".sslguard.yml"];
var SEVERITIES = ["off", "warning", "error"];
var ENVIRONMENTS = ["production", "staging", "development", "unknown"];
var MAX_CONFIG_FILE_SIZE = 8 * 1024 * 1024;
var TOP_LEVEL_KEYS = ["rules", "localHosts", "environments", "ignorePatterns", "certExpiryDays", "maxFileSize", "policy", "$schema"];
var BELOW_POLICY = ["disable", "allow", "prefer"];
async function loadConfig(options) {
  return loadConfigSync(options);
}
function loadConfigSync(options) {
  const { cwd, configFile, knownRuleIds } = options;
  const boundary = workingBoundary(cwd);
  if (configFile !== void 0) {
    const path10 = (0, import_node_path3.isAbsolute)(configFile) ? configFile : (0, import_node_path3.resolve)(cwd, configFile);
    const text = readText(path10, configFile, boundary);
    if (text === void 0)
      throw new ConfigError(`${configFile}: config file not found`);
    return { config: parseConfigText(text, path10, displayName(cwd, path10), knownRuleIds), file: path10 };
  }
  for (const name of CONFIG_FILE_NAMES) {
    const path10 = (0, import_node_path3.resolve)(cwd, name);
    const text = readText(path10, name, boundary);
    if (text !== void 0)
      return { config: parseConfigText(text, path10, name, knownRuleIds), file: path10 };
  }
  const pkgPath = (0, import_node_path3.resolve)(cwd, "package.json");
  const pkgText = readText(pkgPath, "package.json", boundary);
  if (pkgText !== void 0) {
    const mentionsUs = /"sslguard"\s*:/.test(pkgText);
    let pkg;
    try {
      pkg = parseJson(pkgText, "package.json");
    } catch (e) {
      if (mentionsUs)
        throw e;
      return { config: cloneDefaults() };
    }
    if (isPlainObject(pkg) && Object.prototype.hasOwnProperty.call(pkg, "sslguard")) {
      return { config: validateConfig(pkg.sslguard, "package.json", knownRuleIds, { keyPrefix: "sslguard" }), file: pkgPath };
    }
  }
  return { config: cloneDefaults() };
}
function displayName(cwd, path10) {
  const rel = (0, import_node_path3.relative)(cwd, path10);
  const outside2 = rel === ".." || rel.startsWith(`..${import_node_path3.sep}`) || (0, import_node_path3.isAbsolute)(rel);
  return rel && !outside2 ? rel.split("\\").join("/") : path10;
}
function readText(path10, name, boundary) {
  try {
    return readNamedFile(path10, { maxBytes: MAX_CONFIG_BYTES, boundary }).toString("utf8");
  } catch (e) {
    if (e instanceof FileAccessError) {
      if (e.code === "ENOENT")
        return void 0;
      throw new ConfigError(`${name}: config file ${e.message}`);
    }
    throw e;
  }
}
function parseConfigText(text, path10, name, knownRuleIds) {
  const ext = (0, import_node_path3.extname)(path10).toLowerCase();
  let raw;
  if (ext === ".json")
    raw = parseJson(text, name);
  else if (ext === ".yaml" || ext === ".yml")
    raw = parseYaml2(text, name);
  else
    throw new ConfigError(`${name}: unsupported config file type \`${ext || "(none)"}\`: use .json, .yaml or .yml (config files are data, never code)`);
  return validateConfig(raw, name, knownRuleIds);
}
function parseJson(text, name) {
  const deep = excessiveJsonNestingOffset(text);
  if (deep !== void 0)
    throw tooDeep(text, name, deep, "JSON", MAX_JSON_NESTING);
  const errors = [];
  const value = jsonc2().parse(text.replace(/^\uFEFF/, ""), errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const first = errors[0];
    const { line, column } = new SourceText(text).position(first.offset);
    throw new ConfigError(`${name}:${line}:${column}: invalid JSON (${jsonc2().printParseErrorCode(first.error)})`);
  }
  return value;
}
function parseYaml2(text, name) {
  const deep = excessiveNestingOffset(text);
  if (deep !== void 0)
    throw tooDeep(text, name, deep, "YAML", MAX_NESTING);
  const doc = yaml().parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const { line, column } = new SourceText(text).position(first.pos[0]);
    throw new ConfigError(`${name}:${line}:${column}: invalid YAML (${excerptOfMessage(first.message.split("\n")[0])})`);
  }
  let value;
  try {
    value = doc.toJS();
  } catch (e) {
    throw new ConfigError(`${name}: invalid YAML (${excerptOfMessage(e.message)})`);
  }
  return value === null || value === void 0 ? {} : value;
}
function excerptOfMessage(message2) {
  const masked = maskSecrets(message2);
  return masked.length <= 120 ? masked : `${masked.slice(0, 110)}\u2026`;
}
function tooDeep(text, name, offset, format, limit) {
  const { line, column } = new SourceText(text).position(offset);
  return new ConfigError(`${name}:${line}:${column}: ${format} nested more than ${limit} levels deep, not read (a configuration nests a few levels)`);
}
function cloneDefaults() {
  return {
    rules: { ...DEFAULT_CONFIG.rules },
    localHosts: [...DEFAULT_CONFIG.localHosts],
    environments: DEFAULT_CONFIG.environments.map((e) => ({ ...e })),
    ignorePatterns: [...DEFAULT_CONFIG.ignorePatterns],
    certExpiryDays: DEFAULT_CONFIG.certExpiryDays,
    maxFileSize: DEFAULT_CONFIG.maxFileSize,
    policy: { ...DEFAULT_CONFIG.policy }
  };
}
function isPlainObject(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
var EXCERPT = 40;
function excerpt(text) {
  const masked = maskSecrets(text);
  if (masked.length <= EXCERPT)
    return JSON.stringify(masked);
  return `${JSON.stringify(masked.slice(0, EXCERPT - 10)).slice(0, -1)}\u2026" (${text.length} characters)`;
}
function describeValue(v) {
  if (v === null)
    return "null";
  if (Array.isArray(v))
    return "an array";
  if (typeof v === "string")
    return `the string ${excerpt(v)}`;
  if (typeof v === "object")
    return "an object";
  return `${typeof v} ${String(v)}`;
}
function keyPath(parent, key) {
  if (typeof key === "number")
    return `${parent}[${key}]`;
  const part = /^[A-Za-z_$][\w$-]*$/.test(key) && key.length <= EXCERPT ? key : excerpt(key);
  if (!parent)
    return part;
  return part.startsWith('"') ? `${parent}[${part}]` : `${parent}.${part}`;
}
function editDistance2(a, b) {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
function suggestion(word, candidates) {
  let best;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance2(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== void 0 && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? ` (did you mean ${best}?)` : "";
}
function severityError(value) {
  const hint = value === "warn" ? " (did you mean warning?)" : "";
  return `severity must be "off", "warning" or "error", not ${describeValue(value)}${hint}`;
}
function validateConfig(raw, source, knownRuleIds, options = {}) {
  const prefix = options.keyPrefix ?? "";
  const fail = (path10, message2) => {
    throw new ConfigError(`${source}: ${path10 || "(root)"}: ${message2}`);
  };
  if (!isPlainObject(raw))
    return fail(prefix, `the configuration must be an object, not ${describeValue(raw)}`);
  const config = cloneDefaults();
  for (const [key, value] of Object.entries(raw)) {
    const path10 = keyPath(prefix, key);
    switch (key) {
      case "$schema":
        if (typeof value !== "string")
          fail(path10, `must be a string, not ${describeValue(value)}`);
        break;
      case "rules": {
        if (!isPlainObject(value))
          return fail(path10, `must be an object of rule id \u2192 "off" | "warning" | "error", not ${describeValue(value)}`);
        for (const [id, severity] of Object.entries(value)) {
          const rulePath = keyPath(path10, id);
          if (!knownRuleIds.includes(id))
            fail(rulePath, `unknown rule id${suggestion(id, knownRuleIds)}`);
          if (!SEVERITIES.includes(severity))
            fail(rulePath, severityError(severity));
          config.rules[id] = severity;
        }
        break;
      }
      case "localHosts":
        config.localHosts = stringList(value, path10, fail, (host) => {
          const wildcardOk = !host.includes("*") || /^\*\.[^*]+$/.test(host);
          return /[\s/]/.test(host) || !wildcardOk ? "must be a host name, an IP address or `*.suffix`" : void 0;
        });
        break;
      case "ignorePatterns":
        config.ignorePatterns = stringList(value, path10, fail);
        break;
      case "environments": {
        if (!isPlainObject(value))
          return fail(path10, `must be an object of glob \u2192 environment name, not ${describeValue(value)}`);
        config.environments = [];
        for (const [pattern2, environment2] of Object.entries(value)) {
          const envPath = keyPath(path10, pattern2);
          if (pattern2.trim() === "")
            fail(envPath, "the glob must not be empty");
          if (!ENVIRONMENTS.includes(environment2)) {
            const hint = typeof environment2 === "string" ? suggestion(environment2, ENVIRONMENTS) : "";
            fail(envPath, `environment must be one of ${ENVIRONMENTS.map((e) => `"${e}"`).join(", ")}, not ${describeValue(environment2)}${hint}`);
          }
          config.environments.push({ pattern: pattern2, environment: environment2 });
        }
        break;
      }
      case "certExpiryDays":
        if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
          fail(path10, `must be a non-negative integer number of days, not ${describeValue(value)}`);
        }
        config.certExpiryDays = value;
        break;
      case "maxFileSize":
        if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
          fail(path10, `must be a positive integer number of bytes, not ${describeValue(value)}`);
        }
        if (value > MAX_CONFIG_FILE_SIZE) {
          fail(path10, `must be at most ${MAX_CONFIG_FILE_SIZE} (8 MiB) in a config file, not ${value}: pass --max-file-size on the command line to scan larger files`);
        }
        config.maxFileSize = value;
        break;
      case "policy": {
        if (!isPlainObject(value))
          return fail(path10, `must be an object of environment \u2192 minimum sslmode, not ${describeValue(value)}`);
        for (const [environment2, mode] of Object.entries(value)) {
          const modePath = keyPath(path10, environment2);
          if (!ENVIRONMENTS.includes(environment2)) {
            fail(modePath, `unknown environment${suggestion(environment2, ENVIRONMENTS)}: the environments are ${ENVIRONMENTS.map((e) => `"${e}"`).join(", ")}`);
          }
          config.policy[environment2] = policyMode(mode, modePath, fail);
        }
        break;
      }
      default:
        fail(path10, `unknown key${suggestion(key, TOP_LEVEL_KEYS)}`);
    }
  }
  return config;
}
function policyMode(value, path10, fail) {
  if (POLICY_MODES.includes(value))
    return value;
  const choices = POLICY_MODES.map((m) => `"${m}"`).join(", ");
  if (typeof value === "string" && BELOW_POLICY.includes(value)) {
    return fail(path10, `"${value}" cannot be a minimum: a connection that leaves the machine always needs at least "require" (no-ssl-disabled), and a local one is never judged; use one of ${choices}`);
  }
  const hint = typeof value === "string" ? suggestion(value, POLICY_MODES) : "";
  return fail(path10, `minimum sslmode must be one of ${choices}, not ${describeValue(value)}${hint}`);
}
function stringList(value, path10, fail, check) {
  if (!Array.isArray(value))
    return fail(path10, `must be an array of strings, not ${describeValue(value)}`);
  return value.map((item, i) => {
    const itemPath = keyPath(path10, i);
    if (typeof item !== "string")
      return fail(itemPath, `must be a string, not ${describeValue(item)}`);
    if (item.trim() === "")
      return fail(itemPath, "must not be empty");
    const problem = check?.(item);
    if (problem)
      fail(itemPath, `${problem}, not ${excerpt(item)}`);
    return item;
  });
}

// dist/src/discovery/walk.js
var import_node_fs4 = __toESM(require("node:fs"), 1);
var import_node_path5 = __toESM(require("node:path"), 1);

// dist/src/packages/readers.js
var require5 = createRequire(__sslguardFileUrl);
var WATCHED_NPM = /* @__PURE__ */ new Set(["pg", "pg-connection-string", "postgres", "prisma", "@prisma/client", "@prisma/adapter-pg", "@prisma/adapter-neon", "knex"]);
var WATCHED_PYPI = /* @__PURE__ */ new Set(["asyncpg", "psycopg", "psycopg-binary", "psycopg-c", "psycopg2", "psycopg2-binary", "sqlalchemy"]);
var yamlLib2 = () => require5("yaml");
function manifestKindOf(rel) {
  const base = rel.slice(rel.lastIndexOf("/") + 1);
  switch (base) {
    case "package.json":
      return "package-json";
    case "package-lock.json":
    case "npm-shrinkwrap.json":
      return "package-lock";
    case "pnpm-lock.yaml":
      return "pnpm-lock";
    case "yarn.lock":
      return "yarn-lock";
    case "pyproject.toml":
      return "pyproject";
    case "uv.lock":
      return "uv-lock";
    case "poetry.lock":
      return "poetry-lock";
  }
  return /^requirements(?:[-_.][^/]*)?\.txt$/i.test(base) ? "requirements" : void 0;
}
var LOCKFILE_MAX_SIZE = 64 * 1024 * 1024;
function manifestReadLimit(kinds, maxFileSize) {
  const lockfile = kinds.includes("manifest") && !kinds.includes("package-json");
  return lockfile ? Math.max(maxFileSize, LOCKFILE_MAX_SIZE) : maxFileSize;
}
function readManifest(file, text) {
  const kind = manifestKindOf(file);
  switch (kind) {
    case "package-json":
      return readPackageJson(file, text);
    case "package-lock":
      return readPackageLock(file, text);
    case "pnpm-lock":
      return readPnpmLock(file, text);
    case "yarn-lock":
      return readYarnLock(file, text);
    case "requirements":
      return readRequirements(file, text);
    case "pyproject":
      return readPyproject(file, text);
    case "uv-lock":
    case "poetry-lock":
      return readPythonLock(file, text, kind);
    default:
      return void 0;
  }
}
var isRecord = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
function watchedEntries(map) {
  if (!isRecord(map))
    return [];
  return Object.entries(map).filter((e) => WATCHED_NPM.has(e[0]) && typeof e[1] === "string");
}
var DEPENDENCY_FIELDS = ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"];
function readPackageJson(file, text) {
  const json = JSON.parse(text);
  const out = { kind: "package-json", ecosystem: "npm", file };
  if (!isRecord(json))
    return out;
  const declared = {};
  for (const field of DEPENDENCY_FIELDS)
    for (const [name, range] of watchedEntries(json[field]))
      declared[name] ??= range;
  if (Object.keys(declared).length)
    out.declared = declared;
  const ws = json["workspaces"];
  const globs = Array.isArray(ws) ? ws : isRecord(ws) && Array.isArray(ws["packages"]) ? ws["packages"] : void 0;
  if (globs)
    out.workspaces = globs.filter((g) => typeof g === "string");
  return out;
}
function installedName(path10) {
  const at = path10.lastIndexOf("node_modules/");
  return at < 0 ? void 0 : path10.slice(at + "node_modules/".length);
}
function readPackageLock(file, text) {
  const json = JSON.parse(text);
  const out = { kind: "package-lock", ecosystem: "npm", file };
  if (!isRecord(json))
    return out;
  const paths = {};
  if (isRecord(json["packages"])) {
    for (const [path10, entry] of Object.entries(json["packages"])) {
      const name = installedName(path10);
      if (!name || !WATCHED_NPM.has(name) || !isRecord(entry) || typeof entry["version"] !== "string")
        continue;
      paths[path10] = entry["version"];
    }
  } else {
    const walk2 = (deps, prefix) => {
      if (!isRecord(deps))
        return;
      for (const [name, entry] of Object.entries(deps)) {
        if (!isRecord(entry))
          continue;
        const path10 = `${prefix}node_modules/${name}`;
        if (WATCHED_NPM.has(name) && typeof entry["version"] === "string")
          paths[path10] = entry["version"];
        walk2(entry["dependencies"], `${path10}/`);
      }
    };
    walk2(json["dependencies"], "");
  }
  if (Object.keys(paths).length)
    out.paths = paths;
  return out;
}
function pnpmVersion(v) {
  const raw = isRecord(v) ? v["version"] : v;
  if (typeof raw !== "string")
    return void 0;
  const m = /^(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)(?:[(_].*)?$/.exec(raw);
  return m?.[1];
}
function topLevelSections(text, keep) {
  const out = [];
  let take = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^[^\s#-]/.test(line)) {
      const key = /^['"]?([^'":]+)['"]?:/.exec(line)?.[1];
      take = key !== void 0 && keep.has(key);
    }
    if (take)
      out.push(line);
  }
  return out.join("\n");
}
function watchedDependencyLines(text) {
  const out = [];
  let fieldIndent = -1;
  let entryIndent = -1;
  let keep = true;
  for (const line of text.split("\n")) {
    const indent = line.length - line.trimStart().length;
    const key = /^['"]?([^'":]+)['"]?:/.exec(line.trimStart())?.[1];
    if (line.trim() === "")
      continue;
    if (fieldIndent >= 0 && indent > fieldIndent) {
      if (entryIndent < 0 || indent <= entryIndent) {
        entryIndent = indent;
        keep = key !== void 0 && WATCHED_NPM.has(key);
      }
      if (keep)
        out.push(line);
      continue;
    }
    fieldIndent = key !== void 0 && DEPENDENCY_FIELDS.includes(key) ? indent : -1;
    entryIndent = -1;
    out.push(line);
  }
  return out.join("\n");
}
function readPnpmLock(file, text) {
  const cut = watchedDependencyLines(topLevelSections(text, /* @__PURE__ */ new Set(["lockfileVersion", "importers", ...DEPENDENCY_FIELDS])));
  const doc = yamlLib2().parse(cut, { uniqueKeys: false, maxAliasCount: -1 });
  const out = { kind: "pnpm-lock", ecosystem: "npm", file };
  if (!isRecord(doc))
    return out;
  const importers = {};
  const read2 = (project) => {
    const versions = {};
    for (const field of DEPENDENCY_FIELDS) {
      const deps = project[field];
      if (!isRecord(deps))
        continue;
      for (const [name, v] of Object.entries(deps)) {
        const version = WATCHED_NPM.has(name) ? pnpmVersion(v) : void 0;
        if (version)
          versions[name] ??= version;
      }
    }
    return versions;
  };
  if (isRecord(doc["importers"])) {
    for (const [dir, project] of Object.entries(doc["importers"]))
      if (isRecord(project))
        importers[dir] = read2(project);
  } else {
    importers["."] = read2(doc);
  }
  out.importers = importers;
  return out;
}
function normaliseDescriptor(d) {
  return d.replace(/^(@?[^@]+)@npm:/, "$1@");
}
function descriptorName(d) {
  const at = d.indexOf("@", d.startsWith("@") ? 1 : 0);
  return at < 0 ? d : d.slice(0, at);
}
function readYarnLock(file, text) {
  const { parseSyml } = require5("@yarnpkg/parsers");
  const berry = /^__metadata:/m.test(text);
  const headerLine = berry ? void 0 : text.split("\n", 8).find((line) => line.startsWith("# yarn lockfile v1"));
  const header = berry ? "" : `${headerLine ?? "# yarn lockfile v1"}
`;
  const kept = [];
  let block;
  const flush = () => {
    if (block)
      kept.push(block.join("\n"));
    block = void 0;
  };
  for (const line of text.split(/\r?\n/)) {
    if (/^[^\s#]/.test(line)) {
      flush();
      const descriptors2 = line.replace(/:\s*$/, "").split(/,\s*/).map((d) => d.trim().replace(/^"|"$/g, ""));
      const wanted = descriptors2.some((d) => WATCHED_NPM.has(descriptorName(d)) || /@workspace:/.test(d));
      if (wanted)
        block = [line];
    } else if (block) {
      block.push(line);
    }
  }
  flush();
  const doc = parseSyml(header + (berry ? "__metadata:\n  version: 6\n" : "") + kept.join("\n") + "\n");
  const out = { kind: "yarn-lock", ecosystem: "npm", file };
  if (!isRecord(doc))
    return out;
  const descriptors = {};
  const importers = {};
  const workspaceDeps = [];
  for (const [key, entry] of Object.entries(doc)) {
    if (key === "__metadata" || !isRecord(entry))
      continue;
    const list = key.split(/,\s*/).map((d) => d.trim());
    const version = typeof entry["version"] === "string" ? entry["version"] : void 0;
    const workspace = list.map((d) => d.includes("@workspace:") ? d.slice(d.indexOf("@workspace:") + "@workspace:".length) : void 0).find((w) => w !== void 0);
    if (workspace !== void 0) {
      const deps = {};
      for (const field of ["dependencies", "peerDependencies"])
        for (const [name, range] of watchedEntries(entry[field]))
          deps[name] ??= range;
      workspaceDeps.push([workspace === "" ? "." : workspace, deps]);
      continue;
    }
    if (!version)
      continue;
    for (const d of list)
      if (WATCHED_NPM.has(descriptorName(d)))
        descriptors[normaliseDescriptor(d)] = version;
  }
  for (const [dir, deps] of workspaceDeps) {
    const versions = {};
    for (const [name, range] of Object.entries(deps)) {
      const v = descriptors[normaliseDescriptor(`${name}@${range}`)];
      if (v)
        versions[name] = v;
    }
    importers[dir] = versions;
  }
  if (Object.keys(descriptors).length)
    out.descriptors = descriptors;
  if (Object.keys(importers).length)
    out.importers = importers;
  return out;
}
function normalisePypiName(name) {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}
function parseRequirement(line) {
  const text = line.trim();
  const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(text)?.[0];
  if (!name)
    return void 0;
  let rest = text.slice(name.length).trimStart();
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0)
      return void 0;
    rest = rest.slice(close + 1).trimStart();
  }
  const stop = rest.search(/[;#@]/);
  const spec = (stop < 0 ? rest : rest.slice(0, stop)).trimEnd();
  if (spec !== "" && !/^\(?\s*[<>=!~]/.test(spec))
    return void 0;
  return { name: normalisePypiName(name), spec: spec.replace(/[()\s]/g, "") };
}
function pinnedVersion(spec) {
  return /^===?([0-9][0-9A-Za-z.+!-]*)$/.exec(spec)?.[1];
}
function readRequirements(file, text) {
  const declared = {};
  const pinned = {};
  for (const raw of text.replace(/\\\r?\n/g, " ").split(/\r?\n/)) {
    const line = raw.replace(/--hash[= ]\S+/g, "");
    if (/^\s*(?:#|-)/.test(line) || !line.trim())
      continue;
    const req = parseRequirement(line);
    if (!req || !WATCHED_PYPI.has(req.name))
      continue;
    declared[req.name] ??= req.spec;
    const pin = pinnedVersion(req.spec);
    if (pin)
      pinned[req.name] ??= pin;
  }
  const out = { kind: "requirements", ecosystem: "pypi", file };
  if (Object.keys(declared).length)
    out.declared = declared;
  if (Object.keys(pinned).length)
    out.importers = { ".": pinned };
  return out;
}
var parseToml = (text) => require5("smol-toml").parse(text);
function readPyproject(file, text) {
  const doc = parseToml(text);
  const declared = {};
  const addLine = (v) => {
    if (typeof v !== "string")
      return;
    const req = parseRequirement(v);
    if (req && WATCHED_PYPI.has(req.name))
      declared[req.name] ??= req.spec;
  };
  const addPoetry = (table) => {
    if (!isRecord(table))
      return;
    for (const [name, v] of Object.entries(table)) {
      const n = normalisePypiName(name);
      if (!WATCHED_PYPI.has(n))
        continue;
      const spec = typeof v === "string" ? v : isRecord(v) && typeof v["version"] === "string" ? v["version"] : void 0;
      if (spec !== void 0)
        declared[n] ??= spec;
    }
  };
  if (isRecord(doc)) {
    const project = doc["project"];
    if (isRecord(project)) {
      if (Array.isArray(project["dependencies"]))
        project["dependencies"].forEach(addLine);
      if (isRecord(project["optional-dependencies"])) {
        for (const list of Object.values(project["optional-dependencies"]))
          if (Array.isArray(list))
            list.forEach(addLine);
      }
    }
    if (isRecord(doc["dependency-groups"])) {
      for (const list of Object.values(doc["dependency-groups"]))
        if (Array.isArray(list))
          list.forEach(addLine);
    }
    const tool = doc["tool"];
    const poetry = isRecord(tool) ? tool["poetry"] : void 0;
    if (isRecord(poetry)) {
      addPoetry(poetry["dependencies"]);
      addPoetry(poetry["dev-dependencies"]);
      if (isRecord(poetry["group"])) {
        for (const g of Object.values(poetry["group"]))
          if (isRecord(g))
            addPoetry(g["dependencies"]);
      }
    }
  }
  const out = { kind: "pyproject", ecosystem: "pypi", file };
  if (Object.keys(declared).length)
    out.declared = declared;
  return out;
}
function readPythonLock(file, text, kind) {
  const blocks = text.split(/^(?=\[\[package\]\]\s*$)/m);
  const wanted = blocks.filter((b) => {
    if (!/^\[\[package\]\]/.test(b))
      return false;
    const name = /^name\s*=\s*"([^"]+)"/m.exec(b)?.[1];
    return name !== void 0 && WATCHED_PYPI.has(normalisePypiName(name));
  });
  const doc = parseToml(wanted.join("\n"));
  const locked = {};
  const packages = isRecord(doc) ? doc["package"] : void 0;
  if (Array.isArray(packages)) {
    for (const p of packages) {
      if (!isRecord(p) || typeof p["name"] !== "string" || typeof p["version"] !== "string")
        continue;
      const name = normalisePypiName(p["name"]);
      if (WATCHED_PYPI.has(name))
        locked[name] ??= p["version"];
    }
  }
  return { kind, ecosystem: "pypi", file, importers: { ".": locked } };
}

// dist/src/discovery/kinds.js
var TEMPLATE_WORDS = /* @__PURE__ */ new Set(["example", "sample", "template", "dist", "default", "defaults", "tmpl", "tpl", "hbs", "j2", "jinja", "jinja2", "patch"]);
function isTemplatePath(rel) {
  const base = rel.slice(rel.lastIndexOf("/") + 1).toLowerCase();
  return base.split(/[.\-_]+/).some((word) => TEMPLATE_WORDS.has(word));
}
var NOT_ENV_EXTENSIONS = /* @__PURE__ */ new Set(["json", "jsonc", "yml", "yaml", "ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs", "md", "txt", "py"]);
var SOURCE_EXTENSIONS = /* @__PURE__ */ new Set([".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"]);
var SOURCE_SUFFIX = String.raw`\.[cm]?[jt]sx?`;
var CERTIFICATE_EXTENSIONS = /* @__PURE__ */ new Set([".crt", ".pem", ".cer", ".der", ".p12", ".pfx"]);
var KEY_EXTENSIONS = /* @__PURE__ */ new Set([".key", ".p12", ".pfx"]);
var MCP_NAMES = /* @__PURE__ */ new Set([".mcp.json", "claude_desktop_config.json", "cline_mcp_settings.json", "mcp_config.json"]);
var MCP_DIR_NAMES = /* @__PURE__ */ new Set([".cursor/mcp.json", ".vscode/mcp.json", ".gemini/settings.json"]);
var DOCKERFILE_NAME = /^(?:(?:docker|container)file(?:\.[^/]+)?|[^/]+\.(?:docker|container)file)$/i;
var HELM_VALUES_NAME = /^values(?:[.\-_][^/]*)?\.ya?ml$/i;
var COMPOSE_NAME = /^(?:docker-)?compose(?:[.\-_][^/]*)?\.ya?ml$/i;
function extensionOf(base) {
  const dot = base.lastIndexOf(".");
  return dot <= 0 ? "" : base.slice(dot).toLowerCase();
}
function isEnvName(base) {
  if (base === ".env" || base === ".envrc")
    return true;
  if (base.startsWith(".env."))
    return !NOT_ENV_EXTENSIONS.has(base.slice(base.lastIndexOf(".") + 1).toLowerCase());
  if (base.length > 4 && base.endsWith(".env"))
    return true;
  const dot = base.indexOf(".env.");
  return dot > 0 && TEMPLATE_WORDS.has(base.slice(dot + 5).toLowerCase());
}
function inDirectoryNamed(rel, name) {
  return rel.startsWith(`${name}/`) || rel.includes(`/${name}/`);
}
function isEnvTemplateName(base) {
  return base.split(".").some((word) => TEMPLATE_WORDS.has(word.toLowerCase()));
}
function classifyPath(rel) {
  const slash = rel.lastIndexOf("/");
  const base = rel.slice(slash + 1);
  if (base === "")
    return [];
  const ext = extensionOf(base);
  const lower = base.toLowerCase();
  if (isEnvName(base))
    return isEnvTemplateName(base) ? ["env-template", "env"] : ["env"];
  if (base !== "package.json" && manifestKindOf(base) !== void 0)
    return ["manifest"];
  if (lower.includes("file") && DOCKERFILE_NAME.test(base) && !lower.endsWith(".dockerignore"))
    return ["dockerfile"];
  if (ext === ".yml" || ext === ".yaml") {
    if (COMPOSE_NAME.test(base))
      return ["compose", "yaml"];
    if (rel.includes(".github/workflows/") && /(?:^|\/)\.github\/workflows\/[^/]+$/.test(rel))
      return ["workflow", "yaml"];
    if (HELM_VALUES_NAME.test(base) && !inDirectoryNamed(rel, "templates"))
      return ["helm-values", "yaml"];
    return ["yaml"];
  }
  if (ext === ".json" || ext === ".jsonc") {
    if (MCP_NAMES.has(base) || slash >= 0 && MCP_DIR_NAMES.has(rel.slice(rel.lastIndexOf("/", slash - 1) + 1)))
      return ["mcp", "json"];
    if (base === "package.json")
      return ["package-json", "manifest", "json"];
    return ["json"];
  }
  if (SOURCE_EXTENSIONS.has(ext)) {
    if (lower.includes(".d.") && /\.d\.[mc]?ts$/.test(lower) || lower.includes(".min.") && /\.min\.[mc]?js$/.test(lower))
      return [];
    if (lower.startsWith(".pnp."))
      return [];
    return ["source"];
  }
  if (ext === ".prisma")
    return ["prisma"];
  if (ext === ".py")
    return ["python"];
  const kinds = [];
  if (CERTIFICATE_EXTENSIONS.has(ext))
    kinds.push("certificate");
  if (KEY_EXTENSIONS.has(ext))
    kinds.push("private-key");
  return kinds;
}
var PEM_PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;
var PEM_CERTIFICATE = /-----BEGIN (?:TRUSTED |X509 )?CERTIFICATE-----/;
var GIT_STATE_KINDS = /* @__PURE__ */ new Set(["env", "env-template", "certificate", "private-key"]);
function needsGitState(kinds) {
  return kinds.some((kind) => GIT_STATE_KINDS.has(kind));
}
var GIT_STATE_NAME = /\.(?:env|crt|pem|cer|der|p12|pfx|key)/i;
function pathNeedsGitState(rel) {
  return GIT_STATE_NAME.test(rel.slice(rel.lastIndexOf("/") + 1)) && needsGitState(classifyPath(rel));
}
function fileKindOf(rel, head) {
  const kinds = classifyPath(rel);
  if (kinds.includes("env-template"))
    return "env-template";
  if (kinds.includes("env"))
    return "env";
  const isCertificate = kinds.includes("certificate");
  const isKey = kinds.includes("private-key");
  if (!isCertificate && !isKey)
    return void 0;
  if (isCertificate && isKey)
    return "private-key";
  if (head !== void 0) {
    if (PEM_PRIVATE_KEY.test(head))
      return "private-key";
    if (PEM_CERTIFICATE.test(head))
      return "certificate";
    if (/-----BEGIN [A-Z0-9 ]+-----/.test(head))
      return void 0;
  }
  return isKey ? "private-key" : "certificate";
}

// dist/src/discovery/git.js
var import_node_fs3 = require("node:fs");
var import_node_os = require("node:os");
var import_node_path4 = __toESM(require("node:path"), 1);

// dist/src/discovery/git-command.js
var import_node_child_process = require("node:child_process");
var GIT_HARDENING_OPTIONS = [
  "--no-pager",
  "-c",
  "core.fsmonitor=false",
  "-c",
  "core.hooksPath=/dev/null/sslguard-no-hooks",
  "-c",
  "safe.bareRepository=explicit",
  "-c",
  "protocol.allow=never"
];
function gitEnvironment(extra = {}) {
  return {
    ...process.env,
    // Untranslated messages, so the warnings callers parse read the same everywhere.
    LC_ALL: "C",
    LANGUAGE: "C",
    GIT_ALLOW_PROTOCOL: "none",
    GIT_NO_LAZY_FETCH: "1",
    GIT_TERMINAL_PROMPT: "0",
    GIT_OPTIONAL_LOCKS: "0",
    GIT_PAGER: "cat",
    ...extra
  };
}
function runGit(cwd, args, options = {}) {
  return new Promise((resolve2) => {
    const child = (0, import_node_child_process.spawn)("git", [...GIT_HARDENING_OPTIONS, ...args], { cwd, env: gitEnvironment(options.env), stdio: ["pipe", "pipe", "pipe"] });
    const out = [];
    const err = [];
    let size = 0;
    let overflow = false;
    child.stdout.on("data", (chunk) => {
      size += chunk.length;
      if (options.maxBuffer !== void 0 && size > options.maxBuffer) {
        if (!overflow)
          child.kill();
        overflow = true;
        return;
      }
      out.push(chunk);
    });
    child.stderr.on("data", (chunk) => err.push(chunk));
    child.on("error", (error) => resolve2({ stdout: Buffer.alloc(0), stderr: error.message, code: void 0, ...error.code === "ENOENT" ? { missing: true } : {} }));
    child.on("close", (code2, signal) => {
      const stdout = Buffer.concat(out);
      const stderr = Buffer.concat(err).toString("utf8");
      if (overflow)
        return resolve2({ stdout, stderr: `git output above ${options.maxBuffer} bytes`, code: void 0 });
      if (code2 === null)
        return resolve2({ stdout, stderr: stderr || `git was stopped by ${signal}`, code: void 0 });
      resolve2({ stdout, stderr, code: code2 });
    });
    child.stdin.on("error", () => void 0);
    child.stdin.end(options.input ?? "");
  });
}

// dist/src/discovery/git.js
var MAX_BUFFER = 256 * 1024 * 1024;
async function runGit2(cwd, args, input2) {
  const run = await runGit(cwd, args, { maxBuffer: MAX_BUFFER, ...input2 !== void 0 ? { input: input2 } : {} });
  return { stdout: run.stdout.toString("utf8"), stderr: run.stderr, code: run.code, ...run.missing ? { missing: true } : {} };
}
function splitZ(stdout) {
  return stdout.split("\0").filter((entry) => entry !== "");
}
function firstLine(text) {
  return text.trim().split("\n")[0] ?? "";
}
function failure(run) {
  return firstLine(run.stderr) || (run.code === void 0 ? "git did not run" : `exit status ${run.code}`);
}
async function findRepositoryCandidate(dir, cache2 = /* @__PURE__ */ new Map()) {
  const visited = [];
  let current = import_node_path4.default.resolve(dir);
  let found = null;
  for (; ; ) {
    const cached2 = cache2.get(current);
    if (cached2 !== void 0) {
      found = cached2;
      break;
    }
    visited.push(current);
    if (import_node_path4.default.basename(current) !== ".git") {
      try {
        await import_node_fs3.promises.lstat(import_node_path4.default.join(current, ".git"));
        found = current;
        break;
      } catch {
      }
    }
    const parent = import_node_path4.default.dirname(current);
    if (parent === current)
      break;
    current = parent;
  }
  for (const dirVisited of visited)
    cache2.set(dirVisited, found);
  return found ?? void 0;
}
var UNREADABLE_DIRECTORY = /^warning: could not open directory '(.*)': (.*)$/gm;
var WorkTree = class {
  root;
  inGit = true;
  committable = [];
  nestedRepositories = [];
  tracked = /* @__PURE__ */ new Set();
  /** Tracked entries whose index mode is not a regular file's (symbolic links). */
  trackedSpecial = /* @__PURE__ */ new Set();
  /**
   * Entries marked assume-unchanged or skip-worktree: git grep searches the index's copy of
   * those, not the file in the work tree, so its answer does not hold for them.
   */
  indexCopy = /* @__PURE__ */ new Set();
  contentScan;
  /** Untracked paths no ignore rule matches (`--others --exclude-standard`). */
  untracked = /* @__PURE__ */ new Set();
  trackedIgnored = /* @__PURE__ */ new Set();
  checked = /* @__PURE__ */ new Map();
  constructor(root, tagged) {
    this.root = root;
    for (const entry of tagged) {
      if (entry.startsWith("? ")) {
        const rel2 = entry.slice(2);
        if (rel2.endsWith("/")) {
          this.nestedRepositories.push(rel2.slice(0, -1));
        } else {
          this.untracked.add(rel2);
          this.committable.push(rel2);
        }
        continue;
      }
      const tab = entry.indexOf("	");
      if (tab < 0)
        continue;
      const rel = entry.slice(tab + 1);
      if (entry.slice(2, 8) === "160000") {
        this.nestedRepositories.push(rel);
        continue;
      }
      if (this.tracked.has(rel))
        continue;
      this.tracked.add(rel);
      const mode = entry.slice(2, 8);
      if (mode !== "100644" && mode !== "100755")
        this.trackedSpecial.add(rel);
      const tag = entry[0];
      if (tag === "S" || tag !== tag.toUpperCase())
        this.indexCopy.add(rel);
      this.committable.push(rel);
    }
  }
  recordChecked(rel, ignored) {
    this.checked.set(rel, ignored);
  }
  /**
   * The tracked paths whose ignore state sslguard reports (a committed `.env` that .gitignore
   * also names): a few files, asked about by name instead of matching every tracked path
   * against the ignore rules (`ls-files -i`), which costs git most of a listing on a large tree.
   */
  trackedNeedingIgnoreState() {
    const asked = [];
    for (const rel of this.tracked)
      if (pathNeedsGitState(rel))
        asked.push(rel);
    return asked;
  }
  recordTrackedIgnored(rels) {
    for (const rel of rels)
      this.trackedIgnored.add(rel);
  }
  isTracked(rel) {
    return this.tracked.has(rel);
  }
  isIgnored(rel) {
    if (this.trackedIgnored.has(rel))
      return true;
    const checked = this.checked.get(rel);
    if (checked !== void 0)
      return checked;
    return !this.tracked.has(rel) && !this.untracked.has(rel);
  }
  isRegularInIndex(rel) {
    return this.tracked.has(rel) && !this.trackedSpecial.has(rel);
  }
  isInNestedRepository(rel) {
    return this.nestedRepositories.some((nested) => rel === nested || rel.startsWith(`${nested}/`));
  }
  /** Takes git grep's run over its pathspecs (relative to the root; none for the whole tree). */
  attachContentScan({ run, pathspecs }) {
    this.contentScan = run.then((grep) => {
      if (grep.code !== 0 && grep.code !== 1 || grep.stderr.trim() !== "")
        return void 0;
      const matched = new Set(splitZ(grep.stdout));
      const searched = (rel) => pathspecs.length === 0 || pathspecs.some((dir) => rel.startsWith(`${dir}/`));
      return (rel) => this.isRegularInIndex(rel) && !this.indexCopy.has(rel) && searched(rel) && !matched.has(rel);
    });
  }
};
function queryWorkTree(dir, explicit, scope, hooks = {}) {
  const filesOnly = scope === "files";
  const listing = runGit2(dir, filesOnly ? filesListing(explicit) : ["ls-files", "-z", "-v", "-s", "--cached", "--others", "--exclude-standard"]);
  hooks.afterListingStarted?.();
  return Promise.all([
    listing,
    explicit.length > 0 ? runGit2(dir, ["check-ignore", ...filesOnly ? ["--no-index"] : [], "--stdin", "-z"], explicit.map((rel) => `${rel}\0`).join("")) : Promise.resolve(void 0)
  ]);
}
function grepArguments(pattern2, pathspecs) {
  return [
    "--literal-pathspecs",
    "-c",
    "submodule.recurse=false",
    // Every core: since oxc-parser replaced the TypeScript compiler, sslguard has little to do while
    // git searches (the large bench tree on 2 cores: one thread 440 ms, two 361 ms, medians of 7).
    "-c",
    `grep.threads=${Math.max(1, (0, import_node_os.availableParallelism)())}`,
    "grep",
    "-l",
    "-z",
    "-P",
    "--full-name",
    "--no-color",
    // The default, said outright: a repository's textconv filter is a program it names.
    "--no-textconv",
    "-e",
    pattern2,
    "--",
    ...pathspecs
  ];
}
var MAX_PATHSPECS = 500;
function filesListing(explicit) {
  if (explicit.length === 0 || explicit.length > MAX_PATHSPECS)
    return ["ls-files", "-z", "-v", "-s", "--cached"];
  return ["--literal-pathspecs", "ls-files", "-z", "-v", "-s", "--cached", "--", ...explicit];
}
async function openRepository(candidate, explicit = [], scope = "tree", { content } = {}) {
  const grepFrom = (dir, dirs) => {
    if (!content)
      return void 0;
    const pathspecs = dirs.includes("") ? [] : dirs;
    return { run: runGit2(dir, grepArguments(content.pattern, pathspecs)), pathspecs };
  };
  let earlyGrep;
  const early = queryWorkTree(candidate, explicit, scope, {
    afterListingStarted: () => earlyGrep = grepFrom(candidate, content?.dirs ?? [])
  });
  const top = await runGit2(candidate, ["rev-parse", "--show-toplevel"]);
  if (top.missing)
    return { state: void 0, diagnostics: [], gitMissing: true };
  if (top.code !== 0) {
    const message2 = failure(top);
    return { state: void 0, diagnostics: /not a git repository/i.test(message2) ? [] : [`git: ${message2}`] };
  }
  const root = top.stdout.trim();
  const sameRoot = import_node_path4.default.resolve(root) === import_node_path4.default.resolve(candidate) || await import_node_fs3.promises.realpath(candidate).catch(() => candidate) === import_node_path4.default.resolve(root);
  const fromRoot = (rel) => import_node_path4.default.relative(root, import_node_path4.default.join(candidate, rel)).split(import_node_path4.default.sep).join("/");
  const named2 = sameRoot ? explicit : explicit.map(fromRoot);
  const [listing, checked] = await (sameRoot ? early : queryWorkTree(root, named2, scope));
  const grep = sameRoot ? earlyGrep : grepFrom(root, (content?.dirs ?? []).map(fromRoot));
  if (listing.code !== 0) {
    return { state: void 0, diagnostics: [`git ls-files failed in ${root}: ${failure(listing)}`] };
  }
  const diagnostics = [];
  for (const match of listing.stderr.matchAll(UNREADABLE_DIRECTORY)) {
    diagnostics.push(`cannot read directory ${import_node_path4.default.join(root, match[1])}: ${match[2]}`);
  }
  const state = new WorkTree(root, splitZ(listing.stdout));
  if (grep)
    state.attachContentScan(grep);
  const tracked = scope === "tree" ? state.trackedNeedingIgnoreState() : [];
  if (tracked.length > 0) {
    const run = await runGit2(root, ["check-ignore", "--no-index", "--stdin", "-z"], tracked.map((rel) => `${rel}\0`).join(""));
    if (run.code === 0 || run.code === 1) {
      state.recordTrackedIgnored(splitZ(run.stdout));
    } else {
      const all = await runGit2(root, ["ls-files", "-z", "--cached", "-i", "--exclude-standard"]);
      if (all.code !== 0)
        return { state: void 0, diagnostics: [`git ls-files failed in ${root}: ${failure(all)}`] };
      state.recordTrackedIgnored(splitZ(all.stdout));
    }
  }
  if (checked) {
    if (checked.code === 0 || checked.code === 1) {
      const ignored = new Set(splitZ(checked.stdout));
      for (const rel of named2)
        state.recordChecked(rel, ignored.has(rel));
    } else {
      diagnostics.push(`git check-ignore failed in ${root}: ${failure(checked)}`);
    }
  }
  return { state, diagnostics };
}

// dist/src/discovery/walk.js
var require6 = createRequire(__sslguardFileUrl);
var ALWAYS_SKIPPED_DIRS = [
  ".git",
  "node_modules",
  "bower_components",
  "vendor",
  "dist",
  "build",
  "out",
  "coverage",
  ".next",
  ".nuxt",
  ".turbo",
  ".venv",
  "venv",
  "__pycache__",
  ".terraform",
  "target",
  // Yarn Berry's own releases, plugins, cache and editor SDKs (megabytes of bundled JavaScript).
  ".yarn"
];
var SKIPPED = new Set(ALWAYS_SKIPPED_DIRS);
var SOURCE_PATH = new RegExp(`${SOURCE_SUFFIX}$`);
var UsageError = class extends Error {
  name = "UsageError";
};
var fastGlobModule;
var ignoreModule;
function newIgnore() {
  ignoreModule ??= require6("ignore");
  return ignoreModule({ ignorecase: process.platform === "darwin" || process.platform === "win32" });
}
function toPosix(p) {
  return import_node_path5.default.sep === "/" ? p : p.split(import_node_path5.default.sep).join("/");
}
function isInside2(child, parent) {
  const rel = import_node_path5.default.relative(parent, child);
  return rel === "" || !rel.startsWith("..") && !import_node_path5.default.isAbsolute(rel);
}
function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
function errorCode(error) {
  return error?.code;
}
function hasSkippedDirectory(relToScanRoot) {
  let start = 0;
  for (let slash = relToScanRoot.indexOf("/"); slash >= 0; slash = relToScanRoot.indexOf("/", start)) {
    if (SKIPPED.has(relToScanRoot.slice(start, slash)))
      return true;
    start = slash + 1;
  }
  return false;
}
async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
var GitignoreTree = class {
  /** Directory (relative to the scan root, '' for the root) → its .gitignore rules, shallowest first. */
  levels = [];
  directoryCache = /* @__PURE__ */ new Map();
  add(dir, content) {
    this.levels.push([dir, newIgnore().add(content)]);
    this.levels.sort((a, b) => (a[0] === "" ? 0 : a[0].split("/").length) - (b[0] === "" ? 0 : b[0].split("/").length));
    this.directoryCache.clear();
  }
  isIgnored(rel) {
    const parts = rel.split("/");
    for (let i = 1; i < parts.length; i++)
      if (this.isDirectoryIgnored(parts.slice(0, i).join("/")))
        return true;
    return this.matches(rel, false);
  }
  isDirectoryIgnored(dir) {
    let ignored = this.directoryCache.get(dir);
    if (ignored === void 0) {
      const slash = dir.lastIndexOf("/");
      ignored = slash > 0 && this.isDirectoryIgnored(dir.slice(0, slash)) || this.matches(dir, true);
      this.directoryCache.set(dir, ignored);
    }
    return ignored;
  }
  matches(rel, isDirectory) {
    let ignored = false;
    for (const [dir, rules2] of this.levels) {
      if (dir !== "" && !rel.startsWith(`${dir}/`))
        continue;
      const sub = dir === "" ? rel : rel.slice(dir.length + 1);
      const result2 = rules2.checkIgnore(isDirectory ? `${sub}/` : sub);
      if (result2.ignored)
        ignored = true;
      else if (result2.unignored)
        ignored = false;
    }
    return ignored;
  }
};
var IN_GIT = Object.freeze({ inGit: true });
var Discovery = class {
  cwd;
  options;
  diagnostics = [];
  found = /* @__PURE__ */ new Map();
  /** Real path of each discovered file, to drop a symlink that only repeats a file already found. */
  realOf = /* @__PURE__ */ new Map();
  configIgnore;
  gitMissingReported = false;
  /** Files left out by the content filter (see `DiscoveryResult.unmatched`). */
  unmatched = /* @__PURE__ */ new Set();
  constructor(cwd, options) {
    this.cwd = cwd;
    this.options = options;
    const patterns = options.ignorePatterns ?? [];
    this.configIgnore = patterns.length > 0 ? newIgnore().add(patterns) : void 0;
  }
  rel(abs) {
    return toPosix(import_node_path5.default.relative(this.cwd, abs)) || ".";
  }
  diagnostic(abs, message2) {
    this.diagnostics.push({ file: this.rel(abs), message: message2 });
  }
  gitMissing() {
    if (this.gitMissingReported)
      return;
    this.gitMissingReported = true;
    this.diagnostics.push({
      file: ".",
      message: "git was not found: .gitignore files are read directly and whether files are tracked is unknown"
    });
  }
  /** Config ignore patterns see the path relative to cwd, or to the scan root for paths outside cwd. */
  configIgnored(rel, relToRoot) {
    if (!this.configIgnore)
      return false;
    const subject = rel.startsWith("../") || import_node_path5.default.isAbsolute(rel) ? relToRoot : rel;
    return subject !== "" && subject !== "." && this.configIgnore.ignores(subject);
  }
  /**
   * Stat a candidate, apply the symlink boundary and record it. Synchronous, like every per-file
   * step: a promise per file costs more than the system call it waits for.
   */
  consider(candidate) {
    const rel = candidate.rel ?? this.rel(candidate.abs);
    const kinds = candidate.kinds ?? classifyPath(rel);
    if (kinds.length === 0 || this.configIgnored(rel, candidate.relToRoot))
      return;
    const dir = import_node_path5.default.dirname(candidate.abs);
    const dirReal = this.realDirectory(dir);
    if (dirReal !== void 0 && !this.isInsideRoot(dirReal, candidate.root)) {
      this.reportLeavingDirectory(dir, dirReal);
      return;
    }
    if (candidate.indexRegular && this.options.trustIndex && dirReal !== void 0) {
      if (candidate.unmatched) {
        this.unmatched.add(candidate.abs);
        return;
      }
      const previous2 = this.found.get(candidate.abs);
      if (previous2) {
        previous2.explicit ||= candidate.explicit;
        return;
      }
      const real2 = dirReal + candidate.abs.slice(dir.length);
      this.found.set(candidate.abs, { abs: candidate.abs, rel, kinds, scopePath: candidate.relToRoot, explicit: candidate.explicit, git: candidate.git, size: 0, mode: 0, unverified: true });
      this.realOf.set(candidate.abs, { real: real2, link: false });
      return;
    }
    let lst;
    try {
      lst = import_node_fs4.default.lstatSync(candidate.abs);
    } catch (error) {
      if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR")
        return;
      this.diagnostic(candidate.abs, `cannot read file: ${error.message}`);
      return;
    }
    let stat = lst;
    let real = dirReal === void 0 ? import_node_path5.default.join(candidate.root.real, candidate.relToRoot) : import_node_path5.default.join(dirReal, import_node_path5.default.basename(candidate.abs));
    if (lst.isSymbolicLink()) {
      const target = this.followLink(candidate.abs, candidate.root.real);
      if (!target)
        return;
      ({ stat, real } = target);
    }
    if (!stat.isFile())
      return;
    const previous = this.found.get(candidate.abs);
    if (previous) {
      previous.explicit ||= candidate.explicit;
      return;
    }
    this.found.set(candidate.abs, {
      abs: candidate.abs,
      rel,
      kinds,
      scopePath: candidate.relToRoot,
      explicit: candidate.explicit,
      git: candidate.git,
      size: stat.size,
      mode: stat.mode,
      ...lst.isSymbolicLink() ? { real } : {}
    });
    this.realOf.set(candidate.abs, { real, link: lst.isSymbolicLink() });
  }
  /** Real path of each directory holding a candidate (one system call per directory, not per file). */
  realDirectories = /* @__PURE__ */ new Map();
  lastDirectory;
  leavingDirectories = /* @__PURE__ */ new Set();
  realDirectory(dir) {
    if (dir === this.lastDirectory?.[0])
      return this.lastDirectory[1] ?? void 0;
    let real = this.realDirectories.get(dir);
    if (real === void 0) {
      try {
        real = import_node_fs4.default.realpathSync.native(dir);
      } catch {
        real = null;
      }
      this.realDirectories.set(dir, real);
    }
    this.lastDirectory = [dir, real];
    return real ?? void 0;
  }
  /** Per directory and root: asked once per file, answered once per directory. */
  insideRoot = /* @__PURE__ */ new Map();
  isInsideRoot(real, root) {
    let cache2 = this.insideRoot.get(root);
    if (!cache2)
      this.insideRoot.set(root, cache2 = /* @__PURE__ */ new Map());
    let inside = cache2.get(real);
    if (inside === void 0)
      cache2.set(real, inside = isInside2(real, root.real));
    return inside;
  }
  reportLeavingDirectory(dir, real) {
    if (this.leavingDirectories.has(dir))
      return;
    this.leavingDirectories.add(dir);
    this.diagnostic(dir, `directory is reached through a symbolic link pointing outside the scanned directory (to ${real}), not followed`);
  }
  /** Resolve a symlink, refusing targets outside `boundary` and reporting loops. */
  followLink(abs, boundary) {
    let real;
    try {
      real = import_node_fs4.default.realpathSync.native(abs);
    } catch (error) {
      if (errorCode(error) === "ELOOP")
        this.diagnostic(abs, "symbolic link loop, not followed");
      return void 0;
    }
    if (!isInside2(real, boundary)) {
      this.diagnostic(abs, `symbolic link points outside the scanned directory (to ${real}), not followed`);
      return void 0;
    }
    try {
      return { stat: import_node_fs4.default.statSync(real), real };
    } catch (error) {
      this.diagnostic(abs, `cannot read file: ${error.message}`);
      return void 0;
    }
  }
  /** Inside a work tree: git's own list of what it would commit. */
  async walkGit(root, state) {
    const gitRoot = await import_node_fs4.promises.realpath(state.root);
    const prefix = toPosix(import_node_path5.default.relative(gitRoot, root.real));
    const rootRel = this.rel(root.abs);
    const repositoryRoot = this.rel(state.root);
    const absPrefix = root.abs.endsWith(import_node_path5.default.sep) ? root.abs : root.abs + import_node_path5.default.sep;
    const listed = [];
    for (const relToGit of state.committable) {
      if (prefix !== "" && !relToGit.startsWith(`${prefix}/`))
        continue;
      const relToRoot = prefix === "" ? relToGit : relToGit.slice(prefix.length + 1);
      if (hasSkippedDirectory(relToRoot))
        continue;
      const rel = rootRel === "." ? relToRoot : `${rootRel}/${relToRoot}`;
      const kinds = classifyPath(rel);
      if (kinds.length === 0)
        continue;
      const abs = absPrefix + (import_node_path5.default.sep === "/" ? relToRoot : relToRoot.split("/").join(import_node_path5.default.sep));
      this.realDirectory(import_node_path5.default.dirname(abs));
      listed.push({ relToGit, relToRoot, rel, abs, kinds, indexRegular: state.isRegularInIndex?.(relToGit) ?? false });
    }
    const filter = this.options.contentFilter;
    const unmatched = filter && state.contentScan ? await state.contentScan : void 0;
    for (const { relToGit, relToRoot, rel, abs, kinds, indexRegular } of listed) {
      const leftOut = indexRegular && unmatched !== void 0 && filter.appliesTo(kinds) && unmatched(relToGit);
      this.consider({
        abs,
        rel,
        kinds,
        explicit: false,
        relToRoot,
        root,
        git: leftOut ? IN_GIT : { inGit: true, tracked: state.isTracked(relToGit), ignored: state.isIgnored(relToGit), repository: { root: repositoryRoot, path: relToGit } },
        indexRegular,
        ...leftOut ? { unmatched: true } : {}
      });
    }
  }
  /**
   * The file system, pruned by ALWAYS_SKIPPED_DIRS: outside a work tree (with .gitignore files
   * read directly), and inside one when .gitignore filtering is off (git then only says what is
   * tracked and ignored).
   */
  async walkFileSystem(root, state) {
    fastGlobModule ??= require6("fast-glob");
    const nestedRepositories = [];
    const entries = await fastGlobModule("**", {
      cwd: root.abs,
      dot: true,
      onlyFiles: false,
      followSymbolicLinks: false,
      objectMode: true,
      ignore: ALWAYS_SKIPPED_DIRS.flatMap((dir) => [`**/${dir}`, `**/${dir}/**`]),
      fs: this.walkerFs(root, nestedRepositories)
    });
    const gitRoot = state ? await import_node_fs4.promises.realpath(state.root) : void 0;
    const prefix = gitRoot ? toPosix(import_node_path5.default.relative(gitRoot, root.real)) : "";
    const gitignore = state ? void 0 : new GitignoreTree();
    const candidates = [];
    const inNested = (rel) => nestedRepositories.some((dir) => rel.startsWith(`${dir}/`));
    if (gitignore) {
      const ignoreFiles = entries.filter((entry) => import_node_path5.default.posix.basename(entry.path) === ".gitignore" && entry.dirent.isFile());
      await mapLimit(ignoreFiles, 16, async (entry) => {
        try {
          gitignore.add(import_node_path5.default.posix.dirname(entry.path).replace(/^\.$/, ""), await import_node_fs4.promises.readFile(import_node_path5.default.join(root.abs, entry.path), "utf8"));
        } catch (error) {
          this.diagnostic(import_node_path5.default.join(root.abs, entry.path), `cannot read .gitignore: ${error.message}`);
        }
      });
    }
    for (const entry of entries) {
      const relToRoot = entry.path;
      if (entry.dirent.isDirectory())
        continue;
      if (entry.dirent.isSymbolicLink()) {
        if (classifyPath(relToRoot).length === 0) {
          await this.checkDirectoryLink(import_node_path5.default.join(root.abs, relToRoot), root.real);
          continue;
        }
      }
      let git2;
      if (state) {
        if (inNested(relToRoot))
          continue;
        const relToGit = prefix === "" ? relToRoot : `${prefix}/${relToRoot}`;
        git2 = { inGit: true, tracked: state.isTracked(relToGit), ignored: state.isIgnored(relToGit), repository: { root: this.rel(state.root), path: relToGit } };
      } else {
        const ignored = gitignore.isIgnored(relToRoot);
        if (ignored && !this.options.noIgnore)
          continue;
        git2 = { inGit: false, ignored };
      }
      candidates.push({ abs: import_node_path5.default.join(root.abs, relToRoot), explicit: false, relToRoot, root, git: git2 });
    }
    for (const candidate of candidates)
      this.consider(candidate);
  }
  async checkDirectoryLink(abs, boundary) {
    let stat;
    try {
      stat = await import_node_fs4.promises.stat(abs);
    } catch (error) {
      if (errorCode(error) === "ELOOP")
        this.diagnostic(abs, "symbolic link loop, not followed");
      return;
    }
    if (!stat.isDirectory())
      return;
    const real = await import_node_fs4.promises.realpath(abs).catch(() => void 0);
    if (real && !isInside2(real, boundary)) {
      this.diagnostic(abs, `symbolic link points outside the scanned directory (to ${real}), not followed`);
    }
  }
  /**
   * fast-glob aborts the whole walk on an unreadable directory (or silences every error); wrapping
   * `readdir` turns it into a diagnostic and keeps walking, and notes nested repositories (a `.git`
   * entry below the root) on the way, which costs no extra file system call.
   */
  walkerFs(root, nestedRepositories) {
    const readdir = (dir, ...rest) => {
      const callback = rest[rest.length - 1];
      const done = (error, entries) => {
        if (error && (error.code === "EACCES" || error.code === "EPERM")) {
          this.diagnostic(dir, `cannot read directory: ${error.message}`);
          callback(null, []);
          return;
        }
        if (!error && entries.some((entry) => (typeof entry === "string" ? entry : entry.name) === ".git")) {
          const rel = toPosix(import_node_path5.default.relative(root.abs, dir));
          if (rel !== "")
            nestedRepositories.push(rel);
        }
        callback(error, entries);
      };
      if (rest.length > 1)
        import_node_fs4.default.readdir(dir, rest[0], done);
      else
        import_node_fs4.default.readdir(dir, done);
    };
    return { readdir };
  }
  result() {
    const byReal = /* @__PURE__ */ new Map();
    for (const file of this.found.values()) {
      const { real } = this.realOf.get(file.abs);
      const other = byReal.get(real);
      if (!other) {
        byReal.set(real, file);
        continue;
      }
      const fileIsLink = this.realOf.get(file.abs).link;
      const otherIsLink = this.realOf.get(other.abs).link;
      const keepOther = fileIsLink === otherIsLink ? other.rel < file.rel : fileIsLink;
      const [kept, dropped] = keepOther ? [other, file] : [file, other];
      kept.explicit ||= dropped.explicit;
      byReal.set(real, kept);
    }
    const files = [...byReal.values()].sort((a, b) => compare(a.rel, b.rel));
    const diagnostics = [...this.diagnostics].sort((a, b) => compare(a.file, b.file) || compare(a.message, b.message));
    let unmatched = 0;
    for (const abs of this.unmatched)
      if (!this.found.has(abs))
        unmatched++;
    return { files, diagnostics, unmatched };
  }
};
async function resolveNamedPath(cwd, named2) {
  const abs = import_node_path5.default.resolve(cwd, named2);
  let stat;
  try {
    stat = await import_node_fs4.promises.stat(abs);
  } catch (error) {
    const code2 = errorCode(error);
    if (code2 === "ENOENT" || code2 === "ENOTDIR")
      throw new UsageError(`no such file or directory: ${named2}`);
    if (code2 === "ELOOP")
      throw new UsageError(`symbolic link loop: ${named2}`);
    throw new UsageError(`cannot read ${named2}: ${error.message}`);
  }
  if (stat.isDirectory())
    return { abs, realDir: await import_node_fs4.promises.realpath(abs), isDirectory: true };
  if (!stat.isFile())
    throw new UsageError(`not a file or directory: ${named2}`);
  return { abs, realDir: await import_node_fs4.promises.realpath(import_node_path5.default.dirname(abs)), isDirectory: false };
}
async function discover(paths, options) {
  const cwd = import_node_path5.default.resolve(options.cwd);
  const discovery = new Discovery(cwd, options);
  const resolved = await Promise.all((paths.length > 0 ? paths : ["."]).map((p) => resolveNamedPath(cwd, p)));
  const boundary = workingBoundary(cwd);
  const named2 = [];
  for (const item of resolved) {
    const real = item.isDirectory ? item.realDir : import_node_path5.default.join(item.realDir, import_node_path5.default.basename(item.abs));
    if (namedInside(boundary, item.abs) && !resolvesInside(boundary, item.realDir)) {
      discovery.diagnostic(item.abs, `symbolic link points outside the working directory and its repository (to ${real}), not followed`);
    } else {
      named2.push(item);
    }
  }
  const candidateCache = /* @__PURE__ */ new Map();
  const repositoryOf = /* @__PURE__ */ new Map();
  const explicitByRepository = /* @__PURE__ */ new Map();
  const walkedDirectories = /* @__PURE__ */ new Map();
  for (const item of named2) {
    const candidate = await findRepositoryCandidate(item.realDir, candidateCache);
    repositoryOf.set(item, candidate);
    if (!candidate)
      continue;
    if (item.isDirectory)
      walkedDirectories.set(candidate, [...walkedDirectories.get(candidate) ?? [], toPosix(import_node_path5.default.relative(candidate, item.realDir))]);
    else if (!pathNeedsGitState(discovery.rel(item.abs)))
      continue;
    const explicit = explicitByRepository.get(candidate) ?? /* @__PURE__ */ new Set();
    explicitByRepository.set(candidate, explicit);
    if (!item.isDirectory)
      explicit.add(toPosix(import_node_path5.default.relative(candidate, import_node_path5.default.join(item.realDir, import_node_path5.default.basename(item.abs)))));
  }
  const states = /* @__PURE__ */ new Map();
  await Promise.all([...explicitByRepository].map(async ([candidate, explicit]) => {
    const dirs = walkedDirectories.get(candidate);
    const content = dirs && options.contentFilter && !options.noIgnore ? { pattern: options.contentFilter.pattern, dirs } : void 0;
    const walked = dirs !== void 0;
    const opened = await openRepository(candidate, [...explicit], walked ? "tree" : "files", {
      ...content ? { content } : {}
    });
    if ("gitMissing" in opened && opened.gitMissing)
      discovery.gitMissing();
    for (const message2 of opened.diagnostics)
      discovery.diagnostic(candidate, message2);
    states.set(candidate, opened.state);
  }));
  for (const item of named2) {
    const candidate = repositoryOf.get(item);
    const state = candidate ? states.get(candidate) : void 0;
    if (item.isDirectory) {
      const root = { abs: item.abs, real: item.realDir };
      if (state && !options.noIgnore)
        await discovery.walkGit(root, state);
      else
        await discovery.walkFileSystem(root, state);
      continue;
    }
    await considerExplicitFile(discovery, item, candidate, state, candidate !== void 0 && !states.has(candidate));
  }
  return discovery.result();
}
async function considerExplicitFile(discovery, item, candidate, state, unasked) {
  const realFile = import_node_path5.default.join(item.realDir, import_node_path5.default.basename(item.abs));
  let git2;
  let boundary;
  if (unasked && candidate) {
    git2 = { inGit: true };
    boundary = await import_node_fs4.promises.realpath(candidate);
  } else if (state && candidate) {
    const gitRoot = await import_node_fs4.promises.realpath(state.root);
    const relToGit = toPosix(import_node_path5.default.relative(gitRoot, realFile));
    git2 = { inGit: true, tracked: state.isTracked(relToGit), ignored: state.isIgnored(relToGit), repository: { root: discovery.rel(state.root), path: relToGit } };
    boundary = gitRoot;
  } else {
    boundary = await import_node_fs4.promises.realpath(discovery.cwd);
    const outsideRepository = await explicitGitignoreState(item.realDir, boundary, realFile);
    git2 = { inGit: false, ignored: outsideRepository };
  }
  if (!isInside2(item.realDir, boundary))
    boundary = item.realDir;
  discovery.consider({
    abs: item.abs,
    explicit: true,
    relToRoot: toPosix(import_node_path5.default.relative(boundary, realFile)),
    root: { abs: boundary, real: boundary },
    git: git2
  });
}
async function explicitGitignoreState(realDir, cwdReal, realFile) {
  if (!isInside2(realDir, cwdReal))
    return void 0;
  const tree = new GitignoreTree();
  const relDir = toPosix(import_node_path5.default.relative(cwdReal, realDir));
  const dirs = relDir === "" ? [""] : ["", ...relDir.split("/").map((_, i, parts) => parts.slice(0, i + 1).join("/"))];
  for (const dir of dirs) {
    const content = await import_node_fs4.promises.readFile(import_node_path5.default.join(cwdReal, dir, ".gitignore"), "utf8").catch(() => void 0);
    if (content !== void 0)
      tree.add(dir, content);
  }
  return tree.isIgnored(toPosix(import_node_path5.default.relative(cwdReal, realFile)));
}

// dist/src/engine/scan.js
var import_node_fs6 = require("node:fs");
var import_node_path14 = __toESM(require("node:path"), 1);

// dist/src/engine/context.js
var import_node_fs5 = require("node:fs");
var import_node_path10 = __toESM(require("node:path"), 1);

// dist/src/discovery/staged.js
var import_node_path6 = __toESM(require("node:path"), 1);
function git(cwd, args, input2, env2 = {}) {
  return runGit(cwd, args, { env: env2, ...input2 !== void 0 ? { input: input2 } : {} });
}
function firstLine2(text) {
  return text.trim().split("\n")[0] ?? "";
}
async function readBlobs(root, ids, maxSize) {
  const result2 = /* @__PURE__ */ new Map();
  const unique = [...new Set(ids)];
  if (unique.length === 0)
    return result2;
  const check = await git(root, ["cat-file", "--batch-check"], unique.map((id) => `${id}
`).join(""));
  if (check.code !== 0)
    throw new Error(`git cat-file --batch-check failed: ${firstLine2(check.stderr)}`);
  const wanted = [];
  for (const line of check.stdout.toString("utf8").split("\n")) {
    const [id, type, size] = line.split(" ");
    if (!id || !type)
      continue;
    if (type === "missing")
      result2.set(id, { error: "staged content missing from the object database, not scanned" });
    else if (Number(size) > maxSize)
      result2.set(id, { error: `staged file is ${size} bytes, above the ${maxSize}-byte limit (maxFileSize), not scanned` });
    else
      wanted.push(id);
  }
  if (wanted.length === 0)
    return result2;
  const batch = await git(root, ["cat-file", "--batch"], wanted.map((id) => `${id}
`).join(""));
  if (batch.code !== 0)
    throw new Error(`git cat-file --batch failed: ${firstLine2(batch.stderr)}`);
  const out = batch.stdout;
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(10, at);
    if (eol < 0)
      break;
    const [id, , size] = out.subarray(at, eol).toString("utf8").split(" ");
    const length = Number(size);
    result2.set(id, { bytes: out.subarray(eol + 1, eol + 1 + length) });
    at = eol + 1 + length + 1;
  }
  return result2;
}
function relativeToCwd(root, cwd, relToRoot) {
  const rel = import_node_path6.default.relative(cwd, import_node_path6.default.join(root, ...relToRoot.split("/")));
  return import_node_path6.default.sep === "/" ? rel : rel.split(import_node_path6.default.sep).join("/");
}
async function listRepository(root, withIds = true) {
  if (!withIds) {
    const names = await git(root, ["ls-files", "-z", "--cached"]);
    if (names.code !== 0)
      return void 0;
    const paths2 = names.stdout.toString("utf8").split("\0");
    paths2.pop();
    return { root, paths: paths2.filter((p, i) => p !== paths2[i - 1]), ids: [] };
  }
  const cached2 = await git(root, ["ls-files", "-z", "-s", "--cached"]);
  if (cached2.code !== 0)
    return void 0;
  const paths = [];
  const ids = [];
  let previous = "";
  for (const entry of cached2.stdout.toString("utf8").split("\0")) {
    const tab = entry.indexOf("	");
    if (tab < 0 || !(entry.startsWith("100644 ") || entry.startsWith("100755 ")))
      continue;
    const rel = entry.slice(tab + 1);
    if (rel === previous)
      continue;
    previous = rel;
    paths.push(rel);
    ids.push(entry.slice(7, entry.indexOf(" ", 7)));
  }
  return { root, paths, ids };
}
async function grepWords(root, words2, pathspecs, cached2) {
  if (words2.length === 0)
    return /* @__PURE__ */ new Set();
  const args = [
    "-c",
    "submodule.recurse=false",
    "grep",
    "-l",
    "-z",
    "-F",
    "-w",
    "--full-name",
    "--no-color",
    // The default, said outright: a repository's textconv filter is a program it names.
    "--no-textconv",
    ...cached2 ? ["--cached"] : [],
    ...words2.flatMap((w) => ["-e", w]),
    "--",
    ...pathspecs
  ];
  const r = await git(root, args, void 0, { GIT_LITERAL_PATHSPECS: "1" });
  if (r.code !== 0 && r.code !== 1)
    return void 0;
  return new Set(r.stdout.toString("utf8").split("\0").filter(Boolean));
}

// dist/src/policy/test-paths.js
var TEST_DIRECTORIES = /* @__PURE__ */ new Set([
  "test",
  "tests",
  "__tests__",
  "spec",
  "specs",
  "__specs__",
  "e2e",
  "e2e-tests",
  "integration-tests",
  "integration_tests",
  "fixtures",
  "__fixtures__",
  "fixture",
  "mocks",
  "__mocks__",
  "mock",
  "testdata",
  "test-data",
  "test_data",
  "test-utils",
  "test_utils",
  "testutils",
  "testutil",
  "test-helpers",
  "testing",
  "cypress",
  "playwright",
  "seeds",
  "seeders",
  // Examples, samples and docs show a shape to copy; they run against whatever the reader points them at.
  "example",
  "examples",
  "sample",
  "samples",
  "demo",
  "demos",
  "docs",
  "doc",
  "documentation"
]);
var TEST_PACKAGE = /(?:^|[-_.])(?:test|tests|testing)[-_](?:utils?|helpers?|kit|support|setup|harness)$|^testcontainers$/;
var TEST_FILE = /(?:[.\-_](?:test|spec|e2e|e2e-spec|int-spec|test-d)\.[^.]+$)|(?:^(?:test_[^/]*|conftest)\.py$)|(?:^(?:jest|vitest|playwright|cypress|karma|ava|mocha)[.\-](?:setup|config|global-setup|teardown)[^/]*$)|(?:^setup-?tests\.[^.]+$)|(?:^(?:test|tests|verify|smoke|e2e)[-_][^/]*\.[cm]?[jt]sx?$)|(?:^(?:seed|seeds|seeder)(?:[.\-_][^/]*)?\.[^.]+$)/i;
function testFileReason(base) {
  return TEST_FILE.test(base);
}
function isTestDirectory(name) {
  const dir = name.toLowerCase();
  return TEST_DIRECTORIES.has(dir) || TEST_PACKAGE.test(dir);
}
function testPathReason(file) {
  const parts = file.split("/");
  const base = parts[parts.length - 1] ?? "";
  if (testFileReason(base))
    return `test file \`${base}\``;
  for (let i = parts.length - 2; i >= 0; i--) {
    if (isTestDirectory(parts[i]))
      return `test directory \`${parts.slice(0, i + 1).join("/")}\``;
  }
  return void 0;
}
function isTestPath(file) {
  return testPathReason(file) !== void 0;
}

// dist/src/text/glob.js
var MAX_ALTERNATIVES = 256;
function expandBraces(pattern2) {
  for (let i = 0; i < pattern2.length; i++) {
    if (pattern2[i] === "\\") {
      i++;
      continue;
    }
    if (pattern2[i] !== "{")
      continue;
    let depth = 0;
    const commas = [];
    let end = -1;
    for (let j = i; j < pattern2.length; j++) {
      const c = pattern2[j];
      if (c === "\\") {
        j++;
        continue;
      }
      if (c === "{")
        depth++;
      else if (c === "}" && --depth === 0) {
        end = j;
        break;
      } else if (c === "," && depth === 1)
        commas.push(j);
    }
    if (end < 0)
      return [pattern2];
    if (commas.length === 0)
      continue;
    const before = pattern2.slice(0, i);
    const after = pattern2.slice(end + 1);
    const bounds = [i, ...commas, end];
    const out = [];
    for (let k = 0; k + 1 < bounds.length && out.length < MAX_ALTERNATIVES; k++) {
      for (const expanded of expandBraces(before + pattern2.slice(bounds[k] + 1, bounds[k + 1]) + after)) {
        if (out.length >= MAX_ALTERNATIVES)
          break;
        out.push(expanded);
      }
    }
    return out;
  }
  return [pattern2];
}
function tokenize(segment) {
  const tokens = [];
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === "\\" && i + 1 < segment.length)
      tokens.push({ kind: "char", char: segment[++i] });
    else if (c === "?")
      tokens.push({ kind: "any" });
    else if (c === "*") {
      if (tokens.at(-1)?.kind !== "star")
        tokens.push({ kind: "star" });
    } else if (c === "[") {
      const close = segment.indexOf("]", i + 2);
      if (close < 0) {
        tokens.push({ kind: "char", char: c });
        continue;
      }
      let body2 = segment.slice(i + 1, close);
      const negated = body2[0] === "!" || body2[0] === "^";
      if (negated)
        body2 = body2.slice(1);
      const items = [];
      for (let k = 0; k < body2.length; k++) {
        if (body2[k + 1] === "-" && k + 2 < body2.length) {
          items.push([body2[k], body2[k + 2]]);
          k += 2;
        } else
          items.push([body2[k], body2[k]]);
      }
      tokens.push({ kind: "class", negated, items });
      i = close;
    } else
      tokens.push({ kind: "char", char: c });
  }
  return tokens;
}
function matchesOne(token, char) {
  switch (token.kind) {
    case "char":
      return token.char === char;
    case "any":
      return char !== "/";
    case "class":
      return token.items.some(([lo, hi]) => char >= lo && char <= hi) !== token.negated;
    case "star":
      return false;
  }
}
function wildcard(pattern2, text, isStar, one) {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    if (p < pattern2.length && !isStar(pattern2[p]) && one(pattern2[p], text[t])) {
      p++;
      t++;
    } else if (p < pattern2.length && isStar(pattern2[p])) {
      starP = p++;
      starT = t;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else
      return false;
  }
  while (p < pattern2.length && isStar(pattern2[p]))
    p++;
  return p === pattern2.length;
}
function compile(pattern2) {
  const segments = [];
  for (const part of pattern2.split("/")) {
    if (part === "**") {
      if (!segments.at(-1) || !segments.at(-1).globstar)
        segments.push({ globstar: true });
    } else
      segments.push({ globstar: false, tokens: tokenize(part) });
  }
  return segments;
}
var cache = /* @__PURE__ */ new Map();
function globMatcher(pattern2) {
  let matcher = cache.get(pattern2);
  if (!matcher) {
    const anchored = pattern2.includes("/") ? pattern2.replace(/^\.?\//, "") : `**/${pattern2}`;
    const alternatives = expandBraces(anchored).map(compile);
    matcher = (path10) => {
      const parts = path10.split("/").map((part) => [...part]);
      return alternatives.some((segments) => wildcard(segments, parts, (s) => s.globstar, (s, part) => !s.globstar && part.length > 0 && wildcard(s.tokens, part, (t) => t.kind === "star", matchesOne)));
    };
    cache.set(pattern2, matcher);
  }
  return matcher;
}

// dist/src/policy/environment.js
var WORDS = [
  [/^(prod|production|prd|live)$/i, "production", "production"],
  [/^(staging|stage|stg|preprod|pre-prod|uat|qa)$/i, "staging", "staging"],
  // Tests and CI run against databases of their own: the test environment, held to development's minimum.
  [/^(dev|development|local|sandbox|test|tests|testing|ci|e2e)$/i, "development", "development"]
];
function environmentOfWord(word) {
  for (const [re, env2] of WORDS)
    if (re.test(word))
      return env2;
  return void 0;
}
var UNKNOWN = { name: "unknown", reason: "no environment could be inferred" };
var CONFIG_REASON = "config maps ";
var FILE_NAME_REASON = "file name ";
var DIRECTORY_REASON = "directory ";
function environmentOfPath(file, config, scopePath = file) {
  for (const { pattern: pattern2, environment: environment2 } of config?.environments ?? []) {
    if (globMatcher(pattern2)(file))
      return { name: environment2, reason: `${CONFIG_REASON}\`${pattern2}\` to ${environment2}` };
  }
  const parts = file.split("/");
  const base = parts[parts.length - 1] ?? "";
  const scopeDepth = scopePath.split("/").length;
  if (testFileReason(base))
    return { name: "development", reason: `${FILE_NAME_REASON}\`${base}\` (test code)` };
  for (const token of base.split(/[.\-_]+/)) {
    const env2 = environmentOfWord(token);
    if (env2)
      return { name: env2, reason: `${FILE_NAME_REASON}\`${base}\`` };
  }
  for (let i = parts.length - 2; i >= 0; i--) {
    const dir = parts[i];
    if (i >= parts.length - scopeDepth && isTestDirectory(dir))
      return { name: "development", reason: `${DIRECTORY_REASON}\`${parts.slice(0, i + 1).join("/")}\` (test code)` };
    for (const token of dir.split(/[.\-_]+/)) {
      const env2 = environmentOfWord(token);
      if (env2)
        return { name: env2, reason: `${DIRECTORY_REASON}\`${parts.slice(0, i + 1).join("/")}\`` };
    }
  }
  return UNKNOWN;
}
function environmentOfVariable(name) {
  const m = /^([A-Za-z]+)_/.exec(name);
  if (!m)
    return void 0;
  const env2 = environmentOfWord(m[1]);
  return env2 ? { name: env2, reason: `variable prefix \`${m[1]}_\`` } : void 0;
}
function environmentOfNamespace(namespace) {
  for (const token of namespace.split(/[.\-_]+/)) {
    const env2 = environmentOfWord(token);
    if (env2)
      return { name: env2, reason: `namespace \`${namespace}\`` };
  }
  return void 0;
}
function pickEnvironment(fileEnv, ...more) {
  if (environmentBasis(fileEnv) === "config")
    return fileEnv;
  for (const env2 of more)
    if (env2)
      return env2;
  return fileEnv;
}
function environmentBasis(env2) {
  if (env2.name === "unknown" && env2.reason === UNKNOWN.reason)
    return "none";
  if (env2.reason.startsWith(CONFIG_REASON))
    return "config";
  if (env2.reason.startsWith(FILE_NAME_REASON))
    return "file name";
  if (env2.reason.startsWith(DIRECTORY_REASON))
    return "directory";
  return "content";
}
function explainEnvironment(env2, factFile) {
  const basis = environmentBasis(env2);
  const elsewhere = env2.file !== void 0 && env2.file !== factFile ? env2.file : void 0;
  if (basis === "content")
    return `${env2.reason} in ${elsewhere ?? factFile}`;
  if (!elsewhere || basis === "none")
    return env2.reason;
  return `${env2.reason} ${basis === "config" ? "for" : "of"} ${elsewhere}`;
}

// dist/src/policy/env-secrets.js
var import_dotenv = __toESM(require_dist(), 1);

// dist/src/connection/hosts.js
var import_node_net2 = require("node:net");
function isIPv6Address(text) {
  return text.includes(":") && (0, import_node_net2.isIPv6)(text);
}
var LOCAL_NAMES = /* @__PURE__ */ new Map([
  ["localhost", "localhost"],
  ["host.docker.internal", "the Docker host (`host.docker.internal`)"]
]);
function withoutZone(address) {
  const percent = address.indexOf("%");
  return percent < 0 ? address : address.slice(0, percent);
}
function hasTemplateAction(text) {
  const open = text.indexOf("{{");
  return open >= 0 && text.indexOf("}}", open + 2) >= 0;
}
function classifyHost(host, opts) {
  if (opts.socket || host.trim() === "")
    return { class: "local", reason: "Unix-domain socket" };
  const raw = host.trim();
  if (/^\[[^\]:]*:[^\]]*\]$/.test(raw) && !isIPv6Address(withoutZone(raw.slice(1, -1)))) {
    return { class: "remote", reason: `\`${raw}\` is not an IPv6 address: libpq resolves it as a host name` };
  }
  if (isReference(raw) && !isIPv6Address(raw.slice(1, -1))) {
    return { class: "unknown", reason: `host is a variable reference (\`${raw}\`)` };
  }
  if (raw.includes("${"))
    return { class: "unknown", reason: `host is built from a value (\`${raw}\`)` };
  if (hasTemplateAction(raw))
    return { class: "unknown", reason: `host is a template (\`${raw}\`)` };
  const name = raw.toLowerCase().replace(/\.$/, "");
  const local = LOCAL_NAMES.get(name);
  if (local)
    return { class: "local", reason: local };
  if (name.endsWith(".localhost"))
    return { class: "local", reason: "`*.localhost` resolves to loopback" };
  const loopback = loopbackReason(name);
  if (loopback)
    return { class: "local", reason: loopback };
  if (opts.localNames) {
    for (const [n, reason] of opts.localNames)
      if (n.toLowerCase() === name)
        return { class: "local", reason };
  }
  if (opts.localHosts.some((pattern2) => matchesHostPattern(name, pattern2))) {
    return { class: "local", reason: "listed in config localHosts" };
  }
  if (opts.containerNetwork && /^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$/.test(name) && !/^\d+$/.test(name)) {
    return { class: "local", reason: `\`${name}\` is a container name on the project's network` };
  }
  return { class: "remote", reason: remoteReason(name) };
}
function loopbackReason(name) {
  if ((0, import_node_net2.isIPv4)(name)) {
    if (name.startsWith("127."))
      return "loopback address";
    if (name === "0.0.0.0")
      return "0.0.0.0 connects to this machine";
    return void 0;
  }
  const v6 = withoutZone(name.replace(/^\[(.*)\]$/, "$1"));
  if (!isIPv6Address(v6))
    return void 0;
  let canonical;
  try {
    canonical = new URL(`http://[${v6}]/`).hostname.slice(1, -1);
  } catch {
    return void 0;
  }
  if (canonical === "::1")
    return "loopback address";
  if (canonical === "::")
    return ":: connects to this machine";
  if (/^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(canonical))
    return "IPv4-mapped loopback address";
  return void 0;
}
function matchesHostPattern(name, pattern2) {
  const p = pattern2.trim().toLowerCase().replace(/\.$/, "");
  if (p.startsWith("*."))
    return name.endsWith(p.slice(1)) && name.length > p.length - 1;
  return p === name;
}
function remoteReason(name) {
  if ((0, import_node_net2.isIPv4)(name) || isIPv6Address(withoutZone(name)))
    return "remote address";
  return "remote host";
}
var EXAMPLE_DOMAIN = /(?:^|\.)(?:example(?:\.com|\.net|\.org)?|test|invalid)$/;
var TEST_NET = /^(?:192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}$/;
var STAND_IN_LABELS = /* @__PURE__ */ new Set(["mock", "mocked", "fake", "dummy", "stub", "bogus", "nonexistent", "doesnotexist"]);
var PLACEHOLDER_HOST = /^(?:(?:your|my)[-_]?)?(?:db[-_]?|database[-_]?|postgres[-_]?|pg[-_]?)?(?:host(?:name)?|server|placeholder|endpoint|address)(?:[-_]?here)?$/;
function exampleHostReason(host) {
  const name = host.trim().toLowerCase().replace(/\.$/, "");
  if (EXAMPLE_DOMAIN.test(name))
    return `\`${name}\` is a domain reserved for documentation`;
  if (TEST_NET.test(name))
    return `\`${name}\` is an address reserved for documentation`;
  if (PLACEHOLDER_HOST.test(name))
    return `\`${name}\` is a placeholder`;
  if (/\[[^\]:[]*\]|<[^<>]*>/.test(name))
    return `\`${name}\` holds a placeholder`;
  if (name.split(/[.-]/).some((label) => STAND_IN_LABELS.has(label)))
    return `\`${name}\` names a stand-in`;
  return void 0;
}
function isOffMachine(host) {
  if (host.class !== "remote")
    return false;
  if (exampleHostReason(host.host))
    return false;
  const name = host.host.trim().toLowerCase().replace(/^\[|\]$/g, "");
  return name.includes(".") || name.includes(":");
}

// dist/src/policy/env-secrets.js
var SECRET_NAME = /(?:^|_)(?:PASSWORD|PASSWD|PWD|PASS|SECRET|SECRET_KEY|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SIGNING_?KEY|ENCRYPTION_?KEY|MASTER_?KEY|CLIENT_SECRET|CREDENTIALS?|DSN)$/i;
var STOCK = /^(?:postgres|postgresql|root|admin|administrator|password|pass|secret|test|tests|testing|dev|development|local|localhost|example|sample|default|demo|user|guest|changeme|change-me|changeit|true|false|yes|no|on|off|none|null|undefined|\d{1,6})$/i;
function looksLikeDummy(value) {
  const s = value.toLowerCase();
  let covered = 0;
  for (let i = 0; i < s.length; ) {
    let j = i + 1;
    for (; j < s.length; j++) {
      const a = s.charCodeAt(j - 1);
      const b = s.charCodeAt(j);
      if (!(b === a + 1 || b === a || a === 57 && b === 48))
        break;
    }
    if (j - i >= 4)
      covered += j - i;
    i = j;
  }
  return covered >= s.length * 0.9;
}
function secretValue(name, value) {
  const v = value.trim();
  if (!SECRET_NAME.test(name) || v.length < 6 || isPlaceholder(v) || STOCK.test(v) || looksLikeDummy(v))
    return false;
  if (/^[a-z]+(?:[-_][a-z]+){2,}$/.test(v))
    return false;
  return true;
}
function realConnection(value) {
  for (const found of findConnectionStrings(value)) {
    const parsed = parseConnectionString(found.text);
    if (!parsed.ok)
      continue;
    const c = parsed.connection;
    const remote = c.hosts.filter((h) => classifyHost(h.host, { socket: h.socket, localHosts: [], containerNetwork: true }).class === "remote" && !exampleHostReason(h.host));
    if (remote.length > 0)
      return true;
    if (c.password && !isPlaceholder(c.password.value) && looksGenerated(c.password.value))
      return true;
  }
  return false;
}
function envSecretOf(text) {
  let entries;
  try {
    entries = (0, import_dotenv.parse)(text);
  } catch {
    return void 0;
  }
  for (const [name, value] of Object.entries(entries)) {
    if (secretValue(name, value) || realConnection(value))
      return name;
  }
  return void 0;
}
function looksGenerated(value) {
  const v = value.trim();
  if (v.length < 10 || isPlaceholder(v) || looksLikeDummy(v))
    return false;
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(v)).length;
  return kinds >= 3;
}
function words(name) {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}
var DATABASE_WORDS = /* @__PURE__ */ new Set(["pg", "postgres", "postgresql", "psql", "db", "database", "databases", "supabase", "neon", "rds", "aurora", "pgbouncer", "timescale", "externaldatabase", "datasource"]);
var OTHER_DATABASES = /* @__PURE__ */ new Set(["mysql", "mariadb", "mongo", "mongodb", "redis", "clickhouse"]);
var PASSWORD_WORDS = /* @__PURE__ */ new Set(["password", "passwd", "pwd", "pass"]);
var GLUED_PASSWORD = /^(?:pg|db|postgres)pass(?:word)?$/;
function isDatabasePasswordName(name) {
  const w = words(name);
  const last = w[w.length - 1];
  if (last === void 0)
    return false;
  if (GLUED_PASSWORD.test(last))
    return true;
  if (!PASSWORD_WORDS.has(last))
    return false;
  const before = w.slice(0, -1);
  return before.some((x) => DATABASE_WORDS.has(x)) && !before.some((x) => OTHER_DATABASES.has(x));
}
function isBarePasswordName(name) {
  const w = words(name.slice(name.lastIndexOf(".") + 1));
  return w.length === 1 && PASSWORD_WORDS.has(w[0]);
}
function namesDatabase(name) {
  return words(name).some((w) => DATABASE_WORDS.has(w));
}

// dist/src/discovery/file-facts.js
var WHOLE_FILE = { start: 0, end: 0, line: 1, column: 1, endLine: 1, endColumn: 1 };
var FORMAT = {
  certificate: "certificate",
  "private-key": "certificate",
  env: "env",
  "env-template": "env"
};
function fileFact(file, head, config) {
  const fileKind = fileKindOf(file.rel, head);
  if (!fileKind)
    return void 0;
  const fact3 = {
    kind: "file",
    file: file.rel,
    format: FORMAT[fileKind],
    span: { ...WHOLE_FILE },
    environment: environmentOfPath(file.rel, config, file.scopePath),
    fileKind,
    inGit: file.git.inGit
  };
  if (file.git.tracked !== void 0)
    fact3.tracked = file.git.tracked;
  if (file.git.ignored !== void 0)
    fact3.ignored = file.git.ignored;
  if (file.git.repository)
    fact3.repository = file.git.repository;
  if (fileKind === "env" && head !== void 0) {
    const secret2 = envSecretOf(head);
    if (secret2)
      fact3.secret = secret2;
  }
  if (process.platform !== "win32")
    fact3.mode = file.mode & 4095;
  return fact3;
}

// dist/src/text/decode.js
var import_node_buffer = require("node:buffer");
var BINARY = "binary file (NUL bytes), not scanned";
var INVALID_UTF8 = "invalid UTF-8: undecodable bytes were replaced with U+FFFD";
var utf82 = new TextDecoder("utf-8", { fatal: true });
var utf8Lenient = new TextDecoder("utf-8");
function decodeText(bytes) {
  if (bytes.length >= 2 && bytes[0] === 255 && bytes[1] === 254) {
    return { ok: true, text: new TextDecoder("utf-16le").decode(bytes.subarray(2)) };
  }
  if (bytes.length >= 2 && bytes[0] === 254 && bytes[1] === 255) {
    return { ok: true, text: new TextDecoder("utf-16be").decode(bytes.subarray(2)) };
  }
  let body2 = bytes;
  if (bytes.length >= 3 && bytes[0] === 239 && bytes[1] === 187 && bytes[2] === 191)
    body2 = bytes.subarray(3);
  const head = body2.subarray(0, 8192);
  if (head.includes(0))
    return { ok: false, reason: BINARY };
  try {
    return { ok: true, text: utf82.decode(body2) };
  } catch {
    return { ok: true, text: utf8Lenient.decode(body2), warning: INVALID_UTF8 };
  }
}
function inspectBytes(bytes) {
  if (bytes.length >= 2 && (bytes[0] === 255 && bytes[1] === 254 || bytes[0] === 254 && bytes[1] === 255))
    return { ok: true };
  let body2 = bytes;
  if (bytes.length >= 3 && bytes[0] === 239 && bytes[1] === 187 && bytes[2] === 191)
    body2 = bytes.subarray(3);
  if (body2.subarray(0, 8192).includes(0))
    return { ok: false, reason: BINARY };
  return (0, import_node_buffer.isUtf8)(body2) ? { ok: true } : { ok: true, warning: INVALID_UTF8 };
}

// dist/src/extract/settings.js
var CATEGORIES = [
  [/^NODE_TLS_REJECT_UNAUTHORIZED$/i, "node-tls-reject-unauthorized"],
  [/REJECT_?UNAUTHORI[ZS]ED$/i, "reject-unauthorized"],
  [/^PGSSLMODE$|SSL_?MODE$/i, "sslmode"],
  [/^PGSSLROOTCERT$|SSL_?ROOT_?CERT$/i, "sslrootcert"],
  [/^PGSSLCERT$/i, "sslcert"],
  [/^PGSSLKEY$/i, "sslkey"],
  [/^PGSSLMINPROTOCOLVERSION$|SSL_?MIN_?PROTOCOL/i, "ssl-min-protocol"],
  // Directus maps `DB_SSL__CA_FILE` to `ssl.ca_file`: a double underscore is a nesting level.
  [/SSL_*CERT_?PATH|SSL_*CA(_|$)|_CA_?CERT|SSL_*KEY_?PATH/i, "cert-path"],
  // Application switches (Strapi `DATABASE_SSL`, TypeORM/Directus `DB_SSL`); `REDIS_SSL` is not a database's.
  [/(^|_)(DB|DATABASE|POSTGRES|POSTGRESQL|PG)_?SSL(_?ENABLED)?$/i, "ssl"],
  [/PASSWORD|PASSWD|(^|_)PWD$/i, "password"]
];
var OTHER_SERVICE_WORD = /(?:^|_)(?:SMTP|MAIL|MAILER|EMAIL|IMAP|POP3|REDIS|VALKEY|KAFKA|AMQP|RABBIT|RABBITMQ|MQTT|NATS|MONGO|MONGODB|MYSQL|MARIADB|MSSQL|LDAP|ELASTIC|ELASTICSEARCH|OPENSEARCH|CLICKHOUSE|CASSANDRA|MINIO|S3)(?:_|$)/i;
function settingCategory(name) {
  for (const [re, category] of CATEGORIES) {
    if (!re.test(name))
      continue;
    if (category !== "node-tls-reject-unauthorized" && category !== "password" && OTHER_SERVICE_WORD.test(name))
      return void 0;
    return category;
  }
  return void 0;
}
var KEY_CATEGORIES = [
  [/^ssl[_-]?mode$/i, "sslmode"],
  [/^reject[_-]?unauthori[zs]ed$/i, "reject-unauthorized"],
  [/^ssl([_-]?enabled)?$/i, "ssl"],
  [/^ssl[_-]?root[_-]?cert$/i, "sslrootcert"],
  [/^ssl[_-]?cert$/i, "sslcert"],
  [/^ssl[_-]?key$/i, "sslkey"],
  [/^(ssl[_-]?)?min[_-]?(protocol[_-]?)?version$/i, "ssl-min-protocol"],
  [/^(ssl[_-]?)?(ca|cert|key)[_-]?(file|path)$/i, "cert-path"],
  [/password$/i, "password"],
  // `pass` beside a `host` (`data.metadataConnection.pass`): a password by every other name.
  [/^(pass|passwd|pwd)$/i, "password"]
];
function keySettingCategory(key) {
  if (/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(key) || /^PG[A-Z]+$/.test(key))
    return settingCategory(key);
  for (const [re, category] of KEY_CATEGORIES)
    if (re.test(key))
      return category;
  return void 0;
}

// dist/src/extract/split-variables.js
var PART_WORDS = {
  HOST: "host",
  HOSTNAME: "host",
  HOSTADDR: "host",
  SERVER: "host",
  PORT: "port",
  USER: "user",
  USERNAME: "user",
  DATABASE: "dbname",
  DBNAME: "dbname",
  NAME: "dbname",
  // What the application says it talks to (Laravel DB_CONNECTION, Strapi DATABASE_CLIENT).
  CONNECTION: "engine",
  CLIENT: "engine",
  DIALECT: "engine",
  DRIVER: "engine",
  ENGINE: "engine",
  TYPE: "engine"
};
var ENV_NAME = /^((?:[A-Z0-9]+_)*?(?:DB|DATABASE|POSTGRES|POSTGRESQL|PG)_?)(HOST|HOSTNAME|HOSTADDR|SERVER|PORT|USER|USERNAME|DATABASE|DBNAME|NAME|CONNECTION|CLIENT|DIALECT|DRIVER|ENGINE|TYPE)$/i;
var KEY_PART = /^(?:host|hostname|port|user|username|database|dbname|name)$/i;
var DATABASE_WORD = /db|database|postgres|postgresql|pg/i;
function keyPath2(name) {
  const dot = name.lastIndexOf(".");
  if (dot < 0 || !KEY_PART.test(name.slice(dot + 1)))
    return void 0;
  const segments = name.slice(0, dot).split(".");
  let block = segments.length - 1;
  if (!DATABASE_WORD.test(segments[block])) {
    if (block < 1 || segments[block].toLowerCase() !== "auth" || !DATABASE_WORD.test(segments[block - 1]))
      return void 0;
    block--;
  }
  if (/[\n\r\u2028\u2029]/.test(segments.slice(0, block).join(".")))
    return void 0;
  return [name.slice(0, dot + 1), name.slice(dot + 1)];
}
var OTHER_ENGINE_PORTS = /* @__PURE__ */ new Set(["3306", "1433", "1521", "27017", "6379", "9042"]);
var OTHER_ENGINE_HOST = /(?:\.psdb\.cloud|\.mysql\.database\.azure\.com|\.mongodb\.net)$|^(?:mysql|mariadb|mongo|mongodb|redis|mssql|sqlserver)(?:[-_]?\d+)?$/i;
var OTHER_ENGINE_URL = /^(?:mysql2?|mariadb|mongodb(?:\+srv)?|rediss?|sqlserver|mssql|oracle|sqlite|file):/i;
function splitPart(name) {
  const env2 = ENV_NAME.exec(name);
  if (env2) {
    const stem = env2[1].toUpperCase();
    const word = env2[2].toUpperCase();
    if (stem === "PG" && !["HOST", "HOSTADDR", "PORT", "USER", "DATABASE"].includes(word))
      return void 0;
    return { stem, part: PART_WORDS[word] };
  }
  const key = keyPath2(name);
  if (key)
    return { stem: key[0].replace(/\.auth\.$/i, "."), part: PART_WORDS[key[1].toUpperCase()] };
  const generic = ANY_KEY_PATH.exec(name);
  if (generic)
    return { stem: generic[1], part: PART_WORDS[generic[2].toUpperCase()], generic: true };
  return void 0;
}
var ANY_KEY_PATH = /^(.+\.)(host|hostname|port|user|username|database|dbname)$/;
var SSLMODE_KEY = /^(.+\.)ssl[_-]?mode$/i;
var SplitVariables = class {
  groups = /* @__PURE__ */ new Map();
  /** Blocks (unit and key-path stem) that hold an `sslmode` key: their host is a database's. */
  tlsBlocks = /* @__PURE__ */ new Set();
  /** Units where another variable is a URL of another engine (`DATABASE_URL=mysql://…`). */
  otherEngine = /* @__PURE__ */ new Set();
  record(name, value, loc, options) {
    if (!options.unit)
      return;
    if (value && OTHER_ENGINE_URL.test(value.trim()))
      this.otherEngine.add(options.unit.id);
    const tls2 = SSLMODE_KEY.exec(name);
    if (tls2)
      this.tlsBlocks.add(`${options.unit.id}\0${tls2[1]}`);
    const part = splitPart(name);
    if (!part)
      return;
    const key = `${options.unit.id}\0${part.stem}`;
    let group = this.groups.get(key);
    if (!group)
      this.groups.set(key, group = { unit: options.unit, stem: part.stem, parts: {}, ...part.generic ? { generic: true } : {} });
    group.parts[part.part] = { name, value, loc, options };
  }
  /** Adds the assembled connections to the sink (call once, after extraction). */
  synthesize(sink) {
    for (const group of this.groups.values()) {
      const host = group.parts.host;
      if (!host?.value?.trim() || !isPostgres(group) || this.otherEngine.has(group.unit.id))
        continue;
      if (group.generic && !this.tlsBlocks.has(`${group.unit.id}\0${group.stem}`))
        continue;
      const hostPort = /^([^:\[\]]+):(\d{2,5})$/.exec(host.value.trim());
      if (hostPort && OTHER_ENGINE_PORTS.has(hostPort[2]))
        continue;
      if (OTHER_ENGINE_HOST.test(hostPort ? hostPort[1] : host.value.trim()))
        continue;
      const hosts = host.value.split(",").map((h) => h.trim());
      if (hasConnectionTo(sink.facts, group.unit, hosts))
        continue;
      const words2 = [`host=${quote(host.value.trim())}`];
      for (const [part, keyword] of [["port", "port"], ["user", "user"], ["dbname", "dbname"]]) {
        const v = group.parts[part]?.value?.trim();
        if (v)
          words2.push(`${keyword}=${quote(v)}`);
      }
      const before = sink.facts.length;
      sink.connection(words2.join(" "), { ...host.loc, exact: false }, 0, { ...host.options, variable: host.name });
      const fact3 = sink.facts[before];
      if (fact3?.kind === "connection")
        fact3.synthesized = "split-variables";
    }
  }
};
function isPostgres(group) {
  if (group.stem === "PG")
    return true;
  const engine = group.parts.engine?.value?.toLowerCase();
  if (engine && !/postgres|^pg|psql|cockroach|supabase|neon/.test(engine))
    return false;
  const port = group.parts.port?.value?.trim();
  return !(port && OTHER_ENGINE_PORTS.has(port));
}
function hasConnectionTo(facts, unit, hosts) {
  const wanted = new Set(hosts.map((h) => h.toLowerCase()));
  return facts.some((f) => {
    const c = f;
    return c.kind === "connection" && c.unit?.id === unit.id && c.hosts.some((h) => wanted.has(h.host.toLowerCase()));
  });
}
function quote(value) {
  if (value !== "" && !/[\s'\\]/.test(value))
    return value;
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

// dist/src/extract/structured-value.js
var require7 = createRequire(__sslguardFileUrl);
var jsonc3;
var MAX_DEPTH = 4;
function looksLikeJsonObject(value) {
  const v = value.trim();
  return v.length > 2 && v.startsWith("{") && v.endsWith("}") && v.includes('"');
}
function structuredSettings(sink, name, value, loc, options) {
  if (!looksLikeJsonObject(value) || excessiveJsonNestingOffset(value) !== void 0)
    return;
  jsonc3 ??= require7("jsonc-parser");
  const errors = [];
  const root = jsonc3.parseTree(value, errors, { allowTrailingComma: true });
  if (!root || errors.length > 0 || root.type !== "object")
    return;
  const at = (start, end) => loc.exact ? { start: loc.start + start, end: loc.start + end, exact: true } : loc;
  const visit = (node, path10, depth) => {
    for (const p of node.children ?? []) {
      const [k, v] = p.children ?? [];
      if (k?.type !== "string" || !v)
        continue;
      const key = String(k.value);
      const full = `${path10}.${key}`;
      if (v.type === "object") {
        if (depth < MAX_DEPTH)
          visit(v, full, depth + 1);
        continue;
      }
      if (v.type !== "string" && v.type !== "number" && v.type !== "boolean")
        continue;
      const category = keySettingCategory(key);
      if (!category)
        continue;
      const text = String(v.value);
      const keyLoc = at(k.offset + 1, k.offset + k.length - 1);
      const valueLoc = v.type === "string" ? at(v.offset + 1, v.offset + v.length - 1) : at(v.offset, v.offset + v.length);
      const exact = loc.exact && value.slice(v.offset + (v.type === "string" ? 1 : 0), v.offset + v.length - (v.type === "string" ? 1 : 0)) === text;
      sink.assignment(full, keyLoc, text, { ...valueLoc, exact: valueLoc.exact && exact }, { ...options, category });
    }
  };
  visit(root, name, 1);
}

// dist/src/extract/sink.js
var CONTAINER_FORMATS = /* @__PURE__ */ new Set(["compose", "env", "dockerfile", "workflow", "source"]);
var FactSink = class {
  file;
  format;
  source;
  config;
  fileEnvironment;
  facts = [];
  diagnostics = [];
  links = [];
  references = [];
  units = [];
  uses = [];
  definitions = [];
  split = new SplitVariables();
  synthesized = false;
  /** Tests, fixtures and mocks (policy/test-paths.ts): the test environment. */
  testCode;
  constructor(input2, format) {
    this.file = input2.file;
    this.format = format;
    this.source = input2.source ?? new SourceText(input2.text);
    this.config = input2.config ?? DEFAULT_CONFIG;
    this.fileEnvironment = environmentOfPath(input2.file, this.config, input2.scopePath);
    this.testCode = isTestPath(input2.scopePath ?? input2.file);
  }
  get text() {
    return this.source.text;
  }
  result() {
    if (!this.synthesized) {
      this.synthesized = true;
      this.split.synthesize(this);
    }
    return {
      facts: this.facts,
      diagnostics: this.diagnostics,
      ...this.links.length > 0 ? { links: this.links } : {},
      ...this.references.length > 0 ? { references: this.references } : {},
      ...this.units.length > 0 ? { units: this.units } : {},
      ...this.uses.length > 0 ? { uses: this.uses } : {},
      ...this.definitions.length > 0 ? { definitions: this.definitions } : {}
    };
  }
  /** A value `unit` takes from elsewhere; the core resolves it (see ValueUse). */
  use(use) {
    this.uses.push({ ...use, file: this.file, format: this.format });
  }
  /** A variable of `unit` that other files may read (see ValueDefinition). */
  define(def) {
    this.definitions.push({ ...def, file: this.file, format: this.format });
  }
  /** Declares a unit of this file for reference resolution (see ExtractResult.units). */
  declare(unit) {
    if (!this.units.some((u) => u.id === unit.id))
      this.units.push(unit);
  }
  /** The facts of `inherits` apply in `unit` too (the unit's own facts win). */
  link(unit, inherits) {
    if (unit.id !== inherits.id && !this.links.some((l) => l.unit.id === unit.id && l.inherits.id === inherits.id))
      this.links.push({ unit, inherits });
  }
  /** A unit that takes settings from another file; `offset` is where the reference is written. */
  reference(ref, offset) {
    this.references.push({ ...ref, file: this.file, ...this.source.position(offset) });
  }
  span(start, end) {
    return this.source.span(start, end);
  }
  diagnostic(message2, offset) {
    const d = { file: this.file, message: message2 };
    if (offset !== void 0) {
      const p = this.source.position(offset);
      d.line = p.line;
      d.column = p.column;
    }
    this.diagnostics.push(d);
  }
  environmentFor(options, variable) {
    return pickEnvironment(this.fileEnvironment, variable ? environmentOfVariable(variable) : void 0, options.environment);
  }
  /**
   * An environment-style assignment `NAME=value` (env file line, compose/k8s/MCP env entry, code
   * assignment to `process.env.NAME`). Emits a setting fact when NAME is TLS-relevant and connection
   * facts for any connection string in the value. `value` undefined means "not a literal".
   */
  assignment(name, nameRange2, value, valueLoc, options = {}) {
    const category = options.category ?? settingCategory(name);
    const environment2 = this.environmentFor(options, name);
    if (category && !(this.testCode && category === "password")) {
      this.facts.push({
        kind: "setting",
        file: this.file,
        format: this.format,
        span: this.span(nameRange2.start, Math.max(nameRange2.end, valueLoc.end)),
        environment: environment2,
        ...options.unit ? { unit: options.unit } : {},
        category,
        name,
        nameSpan: this.span(nameRange2.start, nameRange2.end),
        ...value !== void 0 ? { value } : {},
        valueSpan: this.span(valueLoc.start, valueLoc.end),
        placeholder: value === void 0 ? true : isPlaceholder(value)
      });
    }
    this.split.record(name, value, valueLoc, { ...options, environment: environment2 });
    if (value !== void 0) {
      const { category: _ignored, ...rest } = options;
      this.value(value, valueLoc, { ...rest, variable: name, environment: environment2 });
      structuredSettings(this, name, value, valueLoc, { ...rest, environment: environment2 });
    }
  }
  /** Any string value that may contain Postgres connection strings (URIs anywhere, a DSN as the whole value). */
  value(value, loc, options = {}) {
    for (const found of findConnectionStrings(value)) {
      this.connection(found.text, loc, found.start, options);
    }
  }
  /** One connection string located at `offset` inside a value located at `loc`. */
  connection(text, loc, offset, options) {
    const at = (s, e) => subSpan(this.source, loc, offset + s, offset + e);
    const whole = at(0, text.length);
    const parsed = parseConnectionString(text);
    if (!parsed.ok) {
      const where = loc.exact ? loc.start + offset + (parsed.offset ?? 0) : loc.start;
      this.diagnostic(`invalid Postgres connection string (${parsed.error}): ${maskConnectionString(text)}`, where);
      return;
    }
    const c = parsed.connection;
    const param = (key) => {
      const p = [...c.params].reverse().find((x) => x.key === key);
      return p ? { value: p.value, span: at(p.start, p.end) } : void 0;
    };
    const hosts = c.hosts.map((h) => {
      const cls = classifyHost(h.host, { socket: h.socket, localHosts: this.config.localHosts, localNames: options.localNames, containerNetwork: CONTAINER_FORMATS.has(this.format) });
      return {
        host: h.host,
        ...h.port !== void 0 ? { port: h.port } : {},
        class: cls.class,
        classReason: cls.reason,
        ...h.ip ? { ip: h.ip } : {},
        span: at(h.start, h.end)
      };
    });
    if (!options.keepStandIns && hosts.length > 0 && hosts.every((h) => exampleHostReason(h.host)))
      return;
    if (this.testCode && !hosts.some(isOffMachine))
      return;
    const params = {};
    for (const p of c.params)
      params[p.key] = { value: p.value, span: at(p.start, p.end) };
    const environment2 = options.environment ?? this.environmentFor(options, options.variable);
    const fact3 = {
      kind: "connection",
      file: this.file,
      format: this.format,
      span: whole,
      environment: environment2,
      ...options.unit ? { unit: options.unit } : {},
      form: c.form,
      ...c.scheme ? { scheme: c.scheme } : {},
      masked: maskConnectionString(text),
      hosts,
      ...c.database !== void 0 ? { database: c.database } : {},
      ...c.user !== void 0 ? { user: c.user } : {},
      password: c.password ? { present: true, placeholder: isPlaceholder(c.password.value), ...looksGenerated(c.password.value) ? { generated: true } : {}, span: at(c.password.start, c.password.end) } : { present: false, placeholder: false },
      params,
      ...options.variable ? { variable: options.variable } : {},
      ...options.processEnv ? { processEnv: true } : {},
      ...options.consumer ? { consumer: options.consumer } : {}
    };
    const sslmode = param("sslmode");
    if (sslmode)
      fact3.sslmode = { ...sslmode, value: sslmode.value.toLowerCase() };
    for (const key of ["ssl", "sslrootcert", "sslcert", "sslkey", "sslaccept"]) {
      const p = param(key);
      if (p)
        fact3[key] = p;
    }
    this.facts.push(fact3);
    connectionTap?.(fact3, text);
  }
};
var connectionTap;
function unitOf(file, kind, name) {
  return { id: `${file}#${kind}:${name}`, kind, name };
}

// dist/src/extract/js/ast.js
var require8 = createRequire(__sslguardFileUrl);
var estree;
var keysModule;
var oxc;
function loadEstree() {
  estree ??= require8("@typescript-eslint/typescript-estree");
  return estree;
}
function loadOxc() {
  if (oxc !== void 0)
    return oxc;
  try {
    if (process.env.SSLGUARD_PARSER === "typescript-estree")
      throw new Error("SSLGUARD_PARSER=typescript-estree");
    oxc = require8("oxc-parser");
  } catch (e) {
    oxc = null;
    const reason = e instanceof Error ? e.message.split("\n")[0] : String(e);
    if (process.env.SSLGUARD_PARSER !== "typescript-estree")
      process.stderr.write(`sslguard: oxc-parser is not available here (${reason}); parsing TS/JS with typescript-estree, which is slower
`);
  }
  return oxc;
}
function loadVisitorKeys() {
  keysModule ??= require8("@typescript-eslint/visitor-keys");
  return keysModule;
}
function jsxForFile(file) {
  return /\.(tsx|jsx|js|mjs|cjs)$/i.test(file);
}
var OXC_DEPTH_LIMIT = 1e3;
function parseSource(text, file) {
  const parser = nestingDepthBound(text) <= OXC_DEPTH_LIMIT ? loadOxc() : null;
  return parser ? parseWithOxc(parser, text, file) : parseWithEstree(text, jsxForFile(file));
}
function oxcLang(file) {
  if (/\.tsx$/i.test(file))
    return "tsx";
  if (/\.[cm]?ts$/i.test(file))
    return "ts";
  return "jsx";
}
function parseWithOxc(parser, text, file) {
  const lang = oxcLang(file);
  const sourceType = /\.c[jt]s$/i.test(file) ? "commonjs" : lang === "jsx" && !/\.mjs$/i.test(file) ? "unambiguous" : "module";
  const result2 = parser.parseSync(file, text, { lang, sourceType, astType: "ts", range: true, preserveParens: false, showSemanticErrors: false });
  const error = result2.errors.find((e) => e.severity === "Error");
  if (error)
    return { ok: false, syntax: true, message: error.message, ...error.labels[0] ? { offset: error.labels[0].start } : {} };
  return { ok: true, program: result2.program };
}
function parseWithEstree(text, jsx) {
  const parser = loadEstree();
  try {
    const program = parser.parse(text, {
      range: true,
      loc: false,
      jsx,
      comment: false,
      tokens: false,
      errorOnUnknownASTType: false,
      // Semantic slips (a duplicate `default`, an anonymous class) should not hide the rest of the file.
      allowInvalidAST: true,
      jsDocParsingMode: "none",
      suppressDeprecatedPropertyWarnings: true
    });
    return { ok: true, program };
  } catch (e) {
    if (e instanceof parser.TSError)
      return { ok: false, syntax: true, message: e.message, offset: e.location.start.offset };
    return { ok: false, syntax: false, message: e instanceof Error ? e.message : String(e) };
  }
}
function nestingDepthBound(text) {
  const chain = [0];
  const elses = [0];
  let depth = 0;
  let pending = 0;
  let max = 0;
  const templates = [];
  let regexAllowed = true;
  let newline = false;
  let headNext = false;
  const heads = [false];
  const open = () => {
    depth++;
    chain[depth] = 0;
    elses[depth] = 0;
    heads[depth] = headNext;
    headNext = false;
  };
  const close = () => {
    if (depth === 0) {
      pending -= chain[0] + elses[0];
      chain[0] = 0;
      elses[0] = 0;
      return;
    }
    pending -= chain[depth] + elses[depth];
    depth--;
  };
  const endOfList = () => {
    pending -= chain[depth];
    chain[depth] = 0;
  };
  const nest = () => {
    chain[depth]++;
    pending++;
  };
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      if (!regexAllowed)
        newline = true;
      continue;
    }
    if (c === 32 || c === 9 || c === 13)
      continue;
    const operator = OPERATOR.has(c) && !(c === 47 && (text.charCodeAt(i + 1) === 47 || text.charCodeAt(i + 1) === 42));
    if (newline) {
      newline = false;
      if (!operator)
        endOfList();
    }
    switch (c) {
      case 39:
      case 34:
        i = skipQuoted(text, i, c);
        regexAllowed = false;
        continue;
      case 96:
        i = skipTemplateText(text, i + 1, templates, depth);
        regexAllowed = false;
        continue;
      case 47: {
        const next = text.charCodeAt(i + 1);
        if (next === 47 || next === 42) {
          i = commentEnd(text, i) - 1;
          continue;
        }
        if (regexAllowed) {
          i = skipRegex(text, i);
          regexAllowed = false;
          continue;
        }
        nest();
        regexAllowed = true;
        break;
      }
      case 40:
      case 91:
      case 123:
        open();
        regexAllowed = true;
        break;
      case 41:
      case 93:
        regexAllowed = heads[depth] === true;
        close();
        continue;
      case 125:
        if (templates.length > 0 && templates[templates.length - 1] === depth - 1) {
          close();
          templates.pop();
          i = skipTemplateText(text, i + 1, templates, depth);
          regexAllowed = false;
          continue;
        }
        close();
        regexAllowed = true;
        continue;
      case 59:
        endOfList();
        pending -= elses[depth];
        elses[depth] = 0;
        regexAllowed = true;
        continue;
      case 44:
        endOfList();
        regexAllowed = true;
        continue;
      default:
        if (operator) {
          nest();
          regexAllowed = true;
          break;
        }
        if (isWordChar(c)) {
          let j = i + 1;
          while (j < n && isWordChar(text.charCodeAt(j)))
            j++;
          const word = text.slice(i, j);
          if (word === "else") {
            elses[depth]++;
            pending++;
            regexAllowed = true;
          } else if (PREFIX_WORDS.has(word)) {
            nest();
            regexAllowed = true;
            headNext = STATEMENT_HEADS.has(word);
          } else
            regexAllowed = false;
          i = j - 1;
          break;
        }
        regexAllowed = false;
        continue;
    }
    if (depth + pending > max)
      max = depth + pending;
  }
  return max;
}
var OPERATOR = /* @__PURE__ */ new Set([33, 126, 43, 45, 42, 47, 37, 61, 60, 62, 63, 58, 38, 124, 94, 64]);
var STATEMENT_HEADS = /* @__PURE__ */ new Set(["if", "while", "for", "with"]);
var PREFIX_WORDS = /* @__PURE__ */ new Set(["if", "new", "typeof", "void", "delete", "await", "yield", "return", "throw", "case", "do", "in", "of", "instanceof", "keyof", "extends", "while", "for", "with"]);
function isWordChar(c) {
  return c >= 97 && c <= 122 || c >= 65 && c <= 90 || c >= 48 && c <= 57 || c === 95 || c === 36 || c > 127;
}
function commentEnd(text, i) {
  if (text.charCodeAt(i + 1) === 47) {
    const nl = text.indexOf("\n", i);
    return nl < 0 ? text.length : nl;
  }
  const close = text.indexOf("*/", i + 2);
  return close < 0 ? text.length : close + 2;
}
function skipQuoted(text, i, quote3) {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 92)
      j++;
    else if (c === quote3 || c === 10)
      return j;
  }
  return text.length;
}
function skipTemplateText(text, i, templates, depth) {
  for (let j = i; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 92)
      j++;
    else if (c === 96)
      return j;
    else if (c === 36 && text.charCodeAt(j + 1) === 123) {
      templates.push(depth);
      return j;
    }
  }
  return text.length;
}
function skipRegex(text, i) {
  let inClass = false;
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 92)
      j++;
    else if (c === 10)
      return j;
    else if (c === 91)
      inClass = true;
    else if (c === 93)
      inClass = false;
    else if (c === 47 && !inClass)
      return j;
  }
  return text.length;
}
function regexMayStart(text, at) {
  let j = at - 1;
  while (j >= 0 && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9 || text.charCodeAt(j) === 10 || text.charCodeAt(j) === 13))
    j--;
  if (j < 0)
    return true;
  const p = text.charCodeAt(j);
  return !(isWordChar(p) || p === 41 || p === 93 || p === 125);
}
function matchesOutsideComments(text, pattern2) {
  const find = (from) => {
    pattern2.lastIndex = from;
    const m = pattern2.exec(text);
    return m ? m.index : -1;
  };
  let match = find(0);
  if (match < 0)
    return false;
  const templates = [];
  let depth = 0;
  const n = text.length;
  const special = /[/'"`{}]/g;
  let i = 0;
  while (i < n) {
    if (match < i)
      return true;
    special.lastIndex = i;
    const m = special.exec(text);
    if (!m)
      return true;
    i = m.index;
    if (match < i)
      return true;
    const c = text.charCodeAt(i);
    if (c === 47 && (text.charCodeAt(i + 1) === 47 || text.charCodeAt(i + 1) === 42)) {
      const end = commentEnd(text, i);
      if (match < end) {
        match = find(end);
        if (match < 0)
          return false;
      }
      i = end;
      continue;
    }
    if (c === 39 || c === 34)
      i = skipQuoted(text, i, c) + 1;
    else if (c === 96)
      i = skipTemplateText(text, i + 1, templates, depth) + 1;
    else if (c === 47)
      i = regexMayStart(text, i) ? skipRegex(text, i) + 1 : i + 1;
    else if (c === 123) {
      depth++;
      i++;
    } else if (templates.length > 0 && templates[templates.length - 1] === depth - 1) {
      depth--;
      templates.pop();
      i = skipTemplateText(text, i + 1, templates, depth) + 1;
    } else {
      depth = Math.max(0, depth - 1);
      i++;
    }
  }
  return match < n;
}

// dist/src/extract/js/walk.js
var TYPE_KEYS = /* @__PURE__ */ new Set(["typeAnnotation", "typeArguments", "typeParameters", "returnType", "superTypeArguments"]);
var TYPE_ONLY_NODES = /* @__PURE__ */ new Set(["TSInterfaceDeclaration", "TSTypeAliasDeclaration", "TSDeclareFunction"]);
var Parents = class {
  root;
  map = /* @__PURE__ */ new Map();
  complete = false;
  constructor(root) {
    this.root = root;
  }
  set(child, parent) {
    this.map.set(child, parent);
  }
  of(node) {
    const parent = this.map.get(node);
    if (parent || this.complete || !this.root || node === this.root)
      return parent;
    this.complete = true;
    link(this.root, this);
    return this.map.get(node);
  }
};
function link(root, parents) {
  const { visitorKeys, getKeys } = loadVisitorKeys();
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (TYPE_ONLY_NODES.has(node.type))
      continue;
    for (const key of visitorKeys[node.type] ?? getKeys(node)) {
      if (TYPE_KEYS.has(key))
        continue;
      const value = node[key];
      if (Array.isArray(value)) {
        for (const item of value) {
          if (!isNode(item))
            continue;
          parents.set(item, node);
          stack.push(item);
        }
      } else if (isNode(value)) {
        parents.set(value, node);
        stack.push(value);
      }
    }
  }
}
function isNode(value) {
  return typeof value === "object" && value !== null && typeof value.type === "string";
}
function walk(root, parents, enter) {
  const { visitorKeys, getKeys } = loadVisitorKeys();
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    enter(node);
    if (TYPE_ONLY_NODES.has(node.type))
      continue;
    const keys = visitorKeys[node.type] ?? getKeys(node);
    const children = [];
    for (const key of keys) {
      if (TYPE_KEYS.has(key))
        continue;
      const value = node[key];
      if (Array.isArray(value)) {
        for (const item of value)
          if (isNode(item))
            children.push(item);
      } else if (isNode(value))
        children.push(value);
    }
    for (let i = children.length - 1; i >= 0; i--) {
      parents.set(children[i], node);
      stack.push(children[i]);
    }
  }
}

// dist/src/extract/js/analysis.js
var TS_WRAPPERS = /* @__PURE__ */ new Set(["TSAsExpression", "TSSatisfiesExpression", "TSNonNullExpression", "TSTypeAssertion"]);

// dist/src/extract/js/fold.js
var UNKNOWN2 = { unknown: true };
var MAX_DEPTH2 = 12;
function isKnown(value) {
  return value === void 0 || value === null || typeof value !== "object";
}
function toLiteralValue(value) {
  return value === void 0 ? null : value;
}
function unwrapTs(node) {
  let n = node;
  while (n.type === "TSAsExpression" || n.type === "TSSatisfiesExpression" || n.type === "TSNonNullExpression" || n.type === "TSTypeAssertion") {
    n = n.expression;
  }
  return n;
}
function resolveNode(node, resolver, depth = 0) {
  const n = unwrapTs(node);
  if (depth > MAX_DEPTH2)
    return void 0;
  if (n.type === "Identifier") {
    if (!resolver || n.name === "undefined")
      return n;
    const variable = resolver.variableOf(n);
    const alias = variable && resolver.aliasOf(variable);
    if (!alias)
      return void 0;
    let target = resolveNode(alias.init, resolver, depth + 1);
    for (const key of alias.path)
      target = target && propertyOf(target, key, resolver, depth + 1);
    return target;
  }
  if (n.type === "MemberExpression") {
    const key = memberKey(n);
    const object = key === void 0 ? void 0 : resolveNode(n.object, resolver, depth + 1);
    return object && propertyOf(object, key, resolver, depth + 1);
  }
  return n;
}
function memberKey(n) {
  if (!n.computed && n.property.type === "Identifier")
    return n.property.name;
  if (n.computed && n.property.type === "Literal" && (typeof n.property.value === "string" || typeof n.property.value === "number"))
    return String(n.property.value);
  return void 0;
}
function propertyOf(object, key, resolver, depth) {
  if (object.type !== "ObjectExpression")
    return void 0;
  for (let i = object.properties.length - 1; i >= 0; i--) {
    const p = object.properties[i];
    if (p.type === "SpreadElement") {
      const spread = resolveNode(p.argument, resolver, depth + 1);
      const inner = spread && propertyOf(spread, key, resolver, depth + 1);
      if (inner)
        return inner;
      if (!spread || spread.type !== "ObjectExpression")
        return void 0;
      continue;
    }
    if (p.kind === "init" && !p.method && propertyKeyName(p) === key)
      return resolveNode(p.value, resolver, depth + 1);
  }
  return void 0;
}
function fold(node, resolver, depth = 0) {
  if (!node || depth > MAX_DEPTH2)
    return UNKNOWN2;
  const n = unwrapTs(node);
  const next = (x) => fold(x, resolver, depth + 1);
  switch (n.type) {
    case "Literal":
      if ("regex" in n || "bigint" in n)
        return UNKNOWN2;
      return n.value;
    case "Identifier":
    case "MemberExpression": {
      if (n.type === "Identifier" && n.name === "undefined" && (!resolver || resolver.isGlobal(n)))
        return void 0;
      if (!resolver)
        return UNKNOWN2;
      const target = resolveNode(n, resolver, depth + 1);
      return target && target !== n ? next(target) : UNKNOWN2;
    }
    case "TemplateLiteral": {
      let out = "";
      for (let i = 0; i < n.quasis.length; i++) {
        const cooked = n.quasis[i].value.cooked;
        if (cooked == null)
          return UNKNOWN2;
        out += cooked;
        const expression = n.expressions[i];
        if (expression) {
          const v = next(expression);
          if (!isKnown(v))
            return UNKNOWN2;
          out += String(v);
        }
      }
      return out;
    }
    case "UnaryExpression": {
      if (n.operator === "void")
        return void 0;
      const arg = next(n.argument);
      if (!isKnown(arg))
        return UNKNOWN2;
      if (n.operator === "!")
        return !arg;
      if (n.operator === "-" && typeof arg === "number")
        return -arg;
      return UNKNOWN2;
    }
    case "LogicalExpression": {
      const left = next(n.left);
      if (!isKnown(left))
        return UNKNOWN2;
      if (n.operator === "??")
        return left === null || left === void 0 ? next(n.right) : left;
      if (n.operator === "||")
        return left ? left : next(n.right);
      return left ? next(n.right) : left;
    }
    case "ConditionalExpression": {
      const test = next(n.test);
      if (isKnown(test))
        return next(test ? n.consequent : n.alternate);
      const a = next(n.consequent);
      const b = next(n.alternate);
      return isKnown(a) && isKnown(b) && a === b ? a : UNKNOWN2;
    }
    case "BinaryExpression": {
      if (n.left.type === "PrivateIdentifier")
        return UNKNOWN2;
      const a = next(n.left);
      const b = next(n.right);
      if (!isKnown(a) || !isKnown(b))
        return UNKNOWN2;
      switch (n.operator) {
        case "===":
          return a === b;
        case "!==":
          return a !== b;
        case "==":
          return a == b;
        case "!=":
          return a != b;
        case "+":
          return typeof a === "string" || typeof b === "string" ? String(a) + String(b) : typeof a === "number" && typeof b === "number" ? a + b : UNKNOWN2;
        default:
          return UNKNOWN2;
      }
    }
    case "CallExpression": {
      if (n.callee.type !== "Identifier" || n.arguments.length !== 1 || resolver && !resolver.isGlobal(n.callee))
        return UNKNOWN2;
      const arg = n.arguments[0];
      if (arg.type === "SpreadElement")
        return UNKNOWN2;
      const v = next(arg);
      if (!isKnown(v))
        return UNKNOWN2;
      if (n.callee.name === "String")
        return String(v);
      if (n.callee.name === "Boolean")
        return Boolean(v);
      return UNKNOWN2;
    }
    default:
      return UNKNOWN2;
  }
}

// dist/src/extract/js/names.js
function propertyKeyName(property3) {
  const key = property3.key;
  if (!property3.computed && key.type === "Identifier")
    return key.name;
  if (key.type === "Literal" && (typeof key.value === "string" || typeof key.value === "number"))
    return String(key.value);
  if (key.type === "TemplateLiteral" && key.expressions.length === 0)
    return key.quasis[0]?.value.cooked ?? void 0;
  return void 0;
}
function nameRange(text, node, name) {
  const loc = locateValue(text, node.range[0], node.range[1], name);
  return { start: loc.start, end: loc.end };
}
function dottedName(node) {
  const n = unwrapTs(node);
  if (n.type === "Identifier")
    return n.name;
  if (n.type === "MetaProperty")
    return `${n.meta.name}.${n.property.name}`;
  if (n.type === "MemberExpression") {
    const object = dottedName(n.object);
    if (object === void 0)
      return void 0;
    if (!n.computed && n.property.type === "Identifier")
      return `${object}.${n.property.name}`;
    if (n.computed && n.property.type === "Literal" && typeof n.property.value === "string")
      return `${object}.${n.property.value}`;
  }
  return void 0;
}
function isProcessEnv(node) {
  const name = dottedName(node);
  return name === "process.env" || name === "globalThis.process.env";
}
function memberName(text, member) {
  const p = member.property;
  if (!member.computed && p.type === "Identifier")
    return { name: p.name, range: { start: p.range[0], end: p.range[1] } };
  if (!member.computed)
    return void 0;
  if (p.type === "Literal" && typeof p.value === "string")
    return { name: p.value, range: nameRange(text, p, p.value) };
  if (p.type === "TemplateLiteral" && p.expressions.length === 0 && p.quasis[0]?.value.cooked != null) {
    const name = p.quasis[0].value.cooked;
    return { name, range: nameRange(text, p, name) };
  }
  return void 0;
}

// dist/src/extract/js/bindings.js
var MAX_DEPTH3 = 12;
function normalizeModule(specifier) {
  let s = specifier.trim();
  if (/^https?:\/\/deno\.land\/x\/postgres(@[^/]*)?\//.test(s))
    return "deno-postgres";
  if (s.startsWith("node:"))
    return s.slice(5);
  const registry2 = /^(npm|jsr):(.*)$/.exec(s);
  if (registry2) {
    s = registry2[2];
    s = s.replace(/^(@[^/@]+\/[^/@]+|[^/@]+)@[^/]*/, "$1");
    if (registry2[1] === "jsr" && s === "@db/postgres")
      return "deno-postgres";
  }
  return s;
}
function literalString(node) {
  if (!node)
    return void 0;
  const n = unwrapTs(node);
  if (n.type === "Literal" && typeof n.value === "string")
    return n.value;
  if (n.type === "TemplateLiteral" && n.expressions.length === 0)
    return n.quasis[0]?.value.cooked ?? void 0;
  return void 0;
}
function withPath(module2, path10) {
  return { module: normalizeModule(module2), path: path10[0] === "default" ? path10.slice(1) : path10 };
}
function moduleOrigin(node, resolver, depth = 0) {
  if (depth > MAX_DEPTH3)
    return void 0;
  const n = unwrapTs(node);
  const next = (x) => moduleOrigin(x, resolver, depth + 1);
  switch (n.type) {
    case "Identifier": {
      const variable = resolver.variableOf(n);
      if (!variable || variable.defs.length !== 1)
        return void 0;
      const def = variable.defs[0];
      if (def.type === "ImportBinding") {
        const spec = def.node;
        if (spec.type === "TSImportEqualsDeclaration") {
          const ref = spec.moduleReference;
          const module3 = ref.type === "TSExternalModuleReference" ? literalString(ref.expression) : void 0;
          return module3 === void 0 ? void 0 : withPath(module3, []);
        }
        const declaration = def.parent;
        if (!declaration || declaration.type !== "ImportDeclaration")
          return void 0;
        const module2 = declaration.source.value;
        if (spec.type === "ImportDefaultSpecifier" || spec.type === "ImportNamespaceSpecifier")
          return withPath(module2, []);
        if (spec.type === "ImportSpecifier") {
          const imported = spec.imported.type === "Identifier" ? spec.imported.name : String(spec.imported.value);
          return withPath(module2, [imported]);
        }
        return void 0;
      }
      const alias = resolver.aliasOf(variable);
      if (!alias)
        return void 0;
      const base = next(alias.init);
      return base && { module: base.module, path: [...base.path, ...alias.path] };
    }
    case "MemberExpression": {
      const key = !n.computed && n.property.type === "Identifier" ? n.property.name : n.computed ? literalString(n.property) : void 0;
      if (key === void 0)
        return void 0;
      const base = next(n.object);
      return base && withPath(base.module, [...base.path, key]);
    }
    case "CallExpression": {
      if (n.callee.type === "Identifier" && n.callee.name === "require" && resolver.isGlobal(n.callee)) {
        const module2 = literalString(n.arguments[0]);
        return module2 === void 0 ? void 0 : withPath(module2, []);
      }
      const base = next(n.callee);
      return base && { module: base.module, path: [...base.path, "()"] };
    }
    case "NewExpression": {
      const base = next(n.callee);
      return base && { module: base.module, path: [...base.path, "()"] };
    }
    case "ImportExpression": {
      const module2 = literalString(n.source);
      return module2 === void 0 ? void 0 : withPath(module2, []);
    }
    case "AwaitExpression":
      return next(n.argument);
    case "ChainExpression":
      return next(n.expression);
    default:
      return void 0;
  }
}

// dist/src/extract/js/drivers.js
var NODE_POSTGRES = "node-postgres";
var pg = (sink) => ({ sink, driver: "pg", consumer: NODE_POSTGRES });
var tls = (name) => ({ sink: `tls.${name}`, driver: "node:tls" });
var https = (name) => ({ sink: `https.${name}`, driver: "node:https" });
var KNEX = {
  ...pg("knex"),
  consumer: "knex",
  dialect: { key: "client", values: ["pg", "postgres", "postgresql", "pgnative", "pg-native"] },
  pathConsumers: { "connection.connectionString": NODE_POSTGRES }
};
var SEQUELIZE = {
  sink: "Sequelize",
  driver: "pg",
  consumer: "sequelize",
  dialect: { key: "dialect", values: ["postgres"] },
  // `dialectOptions.ssl.require`, the blog posts' companion of `rejectUnauthorized: false`.
  tlsKeys: { path: ["dialectOptions", "ssl"], keys: ["require"] },
  tlsPrecedence: "sequelize"
};
var SEQUELIZE_7 = { ...SEQUELIZE, tlsPrecedence: void 0 };
var TYPEORM = { ...pg("typeorm.DataSource"), dialect: { key: "type", values: ["postgres"] }, tlsPrecedence: "typeorm" };
var MIKRO_ORM = pg("MikroORM");
var DRIZZLE_KIT = { sink: "drizzle-kit", driver: "drizzle-kit", consumer: "drizzle-kit" };
var POSTGRES_JS = { sink: "postgres", driver: "postgres", consumer: "postgres.js" };
var PRISMA_CONFIG = { sink: "prisma.config", driver: "prisma", consumer: "prisma" };
var SLONIK = { sink: "slonik.createPool", driver: "slonik", consumer: "slonik" };
var deno = (name) => ({
  sink: `deno-postgres.${name}`,
  driver: "deno-postgres",
  consumer: "deno-postgres",
  tlsKeys: { path: ["tls"], keys: ["enabled", "enforce", "caCertificates"] }
});
var MODULES = {
  pg: { Pool: pg("pg.Pool"), Client: pg("pg.Client"), "native.Pool": pg("pg.Pool"), "native.Client": pg("pg.Client") },
  "pg-pool": { "": pg("pg.Pool") },
  "pg-promise": { "()": pg("pg-promise") },
  // express-session's Postgres store: `new (connectPgSimple(session))({ conString, conObject })` opens a pg Pool.
  "connect-pg-simple": { "()": pg("connect-pg-simple") },
  postgres: { "": POSTGRES_JS },
  slonik: { createPool: SLONIK, createConnection: SLONIK },
  kysely: { PostgresDialect: pg("kysely.PostgresDialect") },
  "@neondatabase/serverless": { Pool: pg("neon.Pool"), Client: pg("neon.Client"), neon: { sink: "neon", driver: "@neondatabase/serverless", consumer: "neon-http" } },
  "@vercel/postgres": { createPool: pg("vercel.createPool"), createClient: pg("vercel.createClient") },
  knex: { "": KNEX, knex: KNEX },
  sequelize: { "": SEQUELIZE, Sequelize: SEQUELIZE },
  "sequelize-typescript": { Sequelize: SEQUELIZE },
  "@sequelize/core": { Sequelize: SEQUELIZE_7 },
  typeorm: { DataSource: TYPEORM, createConnection: TYPEORM, createConnections: TYPEORM },
  "@nestjs/typeorm": { "TypeOrmModule.forRoot": TYPEORM, "TypeOrmModule.forRootAsync": TYPEORM },
  "@mikro-orm/core": { "MikroORM.init": MIKRO_ORM, defineConfig: MIKRO_ORM },
  "@mikro-orm/postgresql": { "MikroORM.init": MIKRO_ORM, defineConfig: MIKRO_ORM },
  "@mikro-orm/nestjs": { "MikroOrmModule.forRoot": MIKRO_ORM, "MikroOrmModule.forRootAsync": MIKRO_ORM },
  "drizzle-orm/node-postgres": { drizzle: pg("drizzle-orm/node-postgres") },
  "drizzle-orm/neon-serverless": { drizzle: pg("drizzle-orm/neon-serverless") },
  "drizzle-orm/vercel-postgres": { drizzle: pg("drizzle-orm/vercel-postgres") },
  "drizzle-orm/postgres-js": { drizzle: { ...POSTGRES_JS, sink: "drizzle-orm/postgres-js" } },
  "drizzle-kit": { defineConfig: DRIZZLE_KIT },
  // `new PrismaClient({ datasources: { db: { url } } })`, `datasourceUrl`: Prisma's engine reads the URL.
  "@prisma/client": { PrismaClient: { sink: "PrismaClient", driver: "prisma", consumer: "prisma" } },
  // Prisma's driver adapter (Prisma 7's only way to Postgres, Prisma 6's with driverAdapters):
  // `new PrismaPg({ connectionString, ssl })` hands its options to a pg.Pool.
  "@prisma/adapter-pg": { PrismaPg: pg("PrismaPg") },
  // prisma.config.ts: `defineConfig({ datasource: { url: env('DATABASE_URL') } })`, the Prisma CLI's
  // datasource; which client reads it depends on the installed Prisma (src/packages/clients.ts).
  "prisma/config": { defineConfig: PRISMA_CONFIG },
  "deno-postgres": { Client: deno("Client"), Pool: deno("Pool") },
  tls: { connect: tls("connect"), createSecureContext: tls("createSecureContext"), TLSSocket: tls("TLSSocket") },
  https: { Agent: https("Agent"), request: https("request"), get: https("get") },
  undici: { Agent: { sink: "undici.Agent", driver: "undici" }, Client: { sink: "undici.Client", driver: "undici" }, Pool: { sink: "undici.Pool", driver: "undici" } }
};
function apiOfCallee(origin) {
  const table = MODULES[origin.module];
  return table?.[origin.path.join(".")];
}
var BY_NAME = {
  Pool: pg("pg.Pool"),
  "pg.Pool": pg("pg.Pool"),
  "pg.native.Pool": pg("pg.Pool"),
  Client: pg("pg.Client"),
  "pg.Client": pg("pg.Client"),
  "pg.native.Client": pg("pg.Client"),
  "tls.connect": tls("connect"),
  "tls.createSecureContext": tls("createSecureContext"),
  "tls.TLSSocket": tls("TLSSocket"),
  "https.Agent": https("Agent"),
  Agent: https("Agent"),
  "https.request": https("request"),
  "https.get": https("get"),
  postgres: POSTGRES_JS,
  Sequelize: SEQUELIZE,
  knex: KNEX
};
function apiByName(dotted) {
  return BY_NAME[dotted];
}
var CONFIG_FILES = [
  [/(^|\/)drizzle\.config\.[cm]?[jt]s$/, DRIZZLE_KIT, {}],
  [/(^|\/)prisma\.config\.[cm]?[jt]s$/, PRISMA_CONFIG, {}],
  [/(^|\/)mikro-orm\.config\.[cm]?[jt]s$/, MIKRO_ORM, {}],
  [/(^|\/)ormconfig\.[cm]?[jt]s$/, TYPEORM, {}],
  // knexfile.js: `{ development: {…}, production: {…} }`, one configuration per environment.
  [/(^|\/)knexfile\.[cm]?[jt]s$/, KNEX, { environmentKeys: true }],
  // sequelize-cli's config (`config/config.js`, `config/database.js`): one configuration per environment.
  [/(^|\/)config\/(?:config|database)\.c?js$/, SEQUELIZE, { environmentKeys: true }]
];
var NOT_POSTGRES = /^(?:mysql2?|mariadb|mssql|tedious|oracledb|mongodb|mongoose|ioredis|redis|@redis\/client|bullmq|bull|nodemailer|kafkajs|amqplib|amqp-connection-manager|mqtt|ldapjs|ws|socket\.io|axios|got|node-fetch|undici|@aws-sdk\/[\w-]+|@elastic\/elasticsearch|@clickhouse\/client|cassandra-driver|nats|smtp-server|imapflow|@planetscale\/database|@libsql\/client|better-sqlite3|sqlite3)(?:\/.*)?$/;
function importedModules(text) {
  const out = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*)['"]([^'"\n]+)['"]/g))
    out.push(m[1]);
  return out;
}
function usesOnlyOtherClients(text) {
  const modules = importedModules(text);
  return modules.some((m) => NOT_POSTGRES.test(m)) && !modules.some(isDatabaseModule);
}
function isDatabaseModule(m) {
  const table = Object.hasOwn(MODULES, m) ? MODULES[m] : void 0;
  if (table)
    return Object.values(table).some((api) => !api.driver.startsWith("node:") && api.driver !== "undici");
  if (/^(?:pg|postgres|@prisma\/adapter-pg|@vercel\/postgres)$/.test(m))
    return true;
  if (/[\n\r\u2028\u2029]/.test(m))
    return false;
  return m.startsWith("drizzle-orm/") && m.includes("postgres", "drizzle-orm/".length) || m.startsWith("@neondatabase/");
}
function apiOfConfigFile(file) {
  for (const [re, api, options] of CONFIG_FILES)
    if (re.test(file))
      return { api, environmentKeys: options.environmentKeys ?? false };
  return void 0;
}

// dist/src/extract/js/environments.js
var ENV_VARIABLE = /^(?:[A-Z0-9]+_)?(?:ENV|ENVIRONMENT|STAGE)$/i;
function quote2(analysis, node) {
  const text = analysis.sink.text.slice(node.range[0], node.range[1]).replace(/\s+/g, " ");
  return text.length > 60 ? `${text.slice(0, 57)}\u2026` : text;
}
function isEnvironmentRead(node, analysis, depth) {
  const n = unwrapTs(node);
  if (depth > 4)
    return false;
  if (n.type === "Identifier") {
    const target = resolveNode(n, analysis.resolver);
    return target !== void 0 && target !== n && isEnvironmentRead(target, analysis, depth + 1);
  }
  if (n.type === "ChainExpression")
    return isEnvironmentRead(n.expression, analysis, depth + 1);
  const name = dottedName(n);
  if (name === "import.meta.env.MODE")
    return true;
  if (name?.startsWith("process.env."))
    return ENV_VARIABLE.test(name.slice("process.env.".length));
  if (n.type === "CallExpression" && dottedName(n.callee) === "Deno.env.get") {
    const arg = n.arguments[0];
    const v = arg && arg.type !== "SpreadElement" ? fold(arg) : void 0;
    return typeof v === "string" && ENV_VARIABLE.test(v);
  }
  return false;
}
function environmentNamed(word) {
  const env2 = environmentOfWord(word);
  return word.toLowerCase() === "test" ? "development" : env2;
}
function environmentTest(test, analysis, depth = 0) {
  const n = unwrapTs(test);
  if (depth > 4)
    return void 0;
  if (n.type === "UnaryExpression" && n.operator === "!") {
    const inner = environmentTest(n.argument, analysis, depth + 1);
    return inner && { ...inner.whenFalse ? { whenTrue: inner.whenFalse } : {}, ...inner.whenTrue ? { whenFalse: inner.whenTrue } : {} };
  }
  if (n.type === "Identifier") {
    const target = resolveNode(n, analysis.resolver);
    return target !== void 0 && target !== n ? environmentTest(target, analysis, depth + 1) : void 0;
  }
  const written = quote2(analysis, n);
  const holds = (name2) => ({ name: name2, reason: `\`${written}\` holds here` });
  const fails = (name2) => ({ name: name2, reason: `\`${written}\` is false here` });
  const name = dottedName(n);
  if (name === "import.meta.env.PROD")
    return { whenTrue: holds("production"), whenFalse: fails("development") };
  if (name === "import.meta.env.DEV")
    return { whenTrue: holds("development"), whenFalse: fails("production") };
  if (n.type !== "BinaryExpression" || !["===", "==", "!==", "!="].includes(n.operator) || n.left.type === "PrivateIdentifier")
    return void 0;
  const [read2, other] = isEnvironmentRead(n.left, analysis, 0) ? [n.left, n.right] : isEnvironmentRead(n.right, analysis, 0) ? [n.right, n.left] : [];
  if (!read2 || !other)
    return void 0;
  const word = fold(other, analysis.resolver);
  if (!isKnown(word) || typeof word !== "string")
    return void 0;
  const env2 = environmentNamed(word);
  if (!env2)
    return void 0;
  const equal = {
    whenTrue: holds(env2),
    // Not production: a developer machine, a preview, CI. sslguard calls that development.
    ...env2 === "production" ? { whenFalse: fails("development") } : {}
  };
  if (n.operator === "===" || n.operator === "==")
    return equal;
  return {
    ...equal.whenTrue ? { whenFalse: { name: equal.whenTrue.name, reason: `\`${written}\` is false here` } } : {},
    ...equal.whenFalse ? { whenTrue: { name: equal.whenFalse.name, reason: `\`${written}\` holds here` } } : {}
  };
}
function branchEnvironment(parent, child, analysis) {
  if (parent.type === "ConditionalExpression" || parent.type === "IfStatement") {
    if (parent.test === child)
      return void 0;
    const test = environmentTest(parent.test, analysis);
    return parent.consequent === child ? test?.whenTrue : test?.whenFalse;
  }
  if (parent.type === "LogicalExpression" && parent.right === child && (parent.operator === "&&" || parent.operator === "||")) {
    const test = environmentTest(parent.left, analysis);
    return parent.operator === "&&" ? test?.whenTrue : test?.whenFalse;
  }
  return void 0;
}
function enclosingEnvironment(node, analysis) {
  let current = node;
  for (let parent = analysis.parents.of(current); parent; current = parent, parent = analysis.parents.of(current)) {
    const env2 = branchEnvironment(parent, current, analysis);
    if (env2)
      return env2;
    if (parent.type === "FunctionDeclaration" || parent.type === "FunctionExpression" || parent.type === "ArrowFunctionExpression")
      return void 0;
  }
  return void 0;
}
function valueBranches(node, analysis, depth = 0) {
  const n = unwrapTs(node);
  if (depth > 4)
    return [];
  if (n.type === "ConditionalExpression") {
    const test2 = environmentTest(n.test, analysis);
    if (!test2)
      return [];
    const out2 = [];
    for (const [side, env2] of [
      [n.consequent, test2.whenTrue],
      [n.alternate, test2.whenFalse]
    ]) {
      if (!env2)
        continue;
      const v = fold(side, analysis.resolver);
      if (isKnown(v))
        out2.push({ value: v, node: side, environment: env2 });
    }
    return out2;
  }
  if (n.type === "Identifier") {
    const target = resolveNode(n, analysis.resolver);
    if (!target || target === n || target.type === "ObjectExpression")
      return [];
    return valueBranches(target, analysis, depth + 1).map((b) => ({ ...b, node: n }));
  }
  const test = environmentTest(n, analysis);
  if (!test)
    return [];
  const out = [];
  if (test.whenTrue)
    out.push({ value: true, node: n, environment: test.whenTrue });
  if (test.whenFalse)
    out.push({ value: false, node: n, environment: test.whenFalse });
  return out;
}

// dist/src/extract/js/receivers.js
var PASS_THROUGH = /* @__PURE__ */ new Set(["Object.assign", "Object.freeze", "structuredClone"]);
var MAX_DEPTH4 = 8;
function flowOf(node, analysis) {
  const found = new FlowSearch(analysis).follow(node, [], void 0, 0);
  if (found)
    return found;
  const environment2 = enclosingEnvironment(node, analysis);
  return { path: [], ...environment2 ? { environment: environment2 } : {} };
}
function isFunction(node) {
  return node.type === "FunctionDeclaration" || node.type === "FunctionExpression" || node.type === "ArrowFunctionExpression";
}
var FlowSearch = class {
  analysis;
  seen = /* @__PURE__ */ new Set();
  /** Object literals the value was found inside, on the way up: where a dialect key (`client: 'pg'`) may sit. */
  objects = [];
  constructor(analysis) {
    this.analysis = analysis;
  }
  /** Walks up from `start`; `path` is the property path from `start` down to the value. */
  follow(start, path10, environment2, depth) {
    if (depth > MAX_DEPTH4 || this.seen.has(start))
      return void 0;
    this.seen.add(start);
    const { parents } = this.analysis;
    let current = start;
    let p = path10;
    let env2 = environment2;
    for (; ; ) {
      const parent = parents.of(current);
      if (!parent)
        return void 0;
      env2 ??= branchEnvironment(parent, current, this.analysis);
      if (TS_WRAPPERS.has(parent.type) || parent.type === "AwaitExpression" || parent.type === "ChainExpression") {
        current = parent;
        continue;
      }
      switch (parent.type) {
        case "Property": {
          const object = parents.of(parent);
          if (parent.value !== current || object?.type !== "ObjectExpression")
            return void 0;
          p = [propertyKeyName(parent) ?? "?", ...p];
          this.objects.push(object);
          current = object;
          continue;
        }
        case "SpreadElement": {
          const object = parents.of(parent);
          if (object?.type !== "ObjectExpression")
            return void 0;
          current = object;
          continue;
        }
        case "ConditionalExpression":
          if (parent.test === current)
            return void 0;
          current = parent;
          continue;
        case "LogicalExpression":
          current = parent;
          continue;
        case "CallExpression":
        case "NewExpression":
          return this.intoCall(parent, current, p, env2, depth);
        case "VariableDeclarator":
          return parent.init === current ? this.throughBinding(parent.id, p, env2, depth) : void 0;
        case "AssignmentExpression":
          return parent.right === current && parent.operator === "=" ? this.throughAssignment(parent.left, p, env2, depth) : void 0;
        case "ReturnStatement": {
          let fn = parent;
          while (fn && !isFunction(fn))
            fn = parents.of(fn);
          return fn ? this.fromFunction(fn, p, env2, depth) : void 0;
        }
        case "ArrowFunctionExpression":
          return parent.body === current ? this.fromFunction(parent, p, env2, depth) : void 0;
        case "ExportDefaultDeclaration":
          return this.exported(p, env2);
        default:
          return void 0;
      }
    }
  }
  intoCall(call, current, path10, env2, depth) {
    const index = call.arguments.indexOf(current);
    if (index < 0)
      return void 0;
    const api = this.calleeApi(call.callee);
    if (api) {
      const environment2 = env2 ?? enclosingEnvironment(call, this.analysis);
      const consumer = this.consumerOf(api, call, path10);
      return { api, path: path10, callAt: call.range[0], ...consumer ? { consumer } : {}, ...environment2 ? { environment: environment2 } : {} };
    }
    const name = dottedName(call.callee);
    if (name !== void 0 && PASS_THROUGH.has(name))
      return this.follow(call, path10, env2, depth + 1);
    const fn = resolveNode(call.callee, this.analysis.resolver);
    if (!fn || !isFunction(fn))
      return void 0;
    let param = fn.params[index];
    if (param?.type === "AssignmentPattern")
      param = param.left;
    if (param?.type === "TSParameterProperty")
      return void 0;
    return param?.type === "Identifier" ? this.throughBinding(param, path10, env2, depth) : void 0;
  }
  /** Follows every read of the variable declared by `id`; the first that reaches an API decides. */
  throughBinding(id, path10, env2, depth) {
    const variable = this.analysis.resolver.variableOf(id);
    if (!variable)
      return void 0;
    for (const read2 of this.analysis.resolver.readsOf(variable)) {
      const found = this.follow(read2, path10, env2, depth + 1);
      if (found)
        return found;
    }
    return void 0;
  }
  throughAssignment(left, path10, env2, depth) {
    const target = unwrapTs(left);
    if (target.type === "Identifier")
      return this.throughBinding(target, path10, env2, depth);
    if (target.type !== "MemberExpression")
      return void 0;
    const name = dottedName(target);
    if (name === "module.exports" || name === "exports.default")
      return this.exported(path10, env2);
    const key = !target.computed && target.property.type === "Identifier" ? target.property.name : void 0;
    const object = unwrapTs(target.object);
    if (key === void 0 || object.type !== "Identifier")
      return void 0;
    return this.throughBinding(object, [key, ...path10], env2, depth);
  }
  /** The value is what `fn` returns: follow the calls of `fn`, or `fn` itself as a callback (`useFactory: () => ({ … })`). */
  fromFunction(fn, path10, env2, depth) {
    const { parents, resolver } = this.analysis;
    let id;
    if (fn.type === "FunctionDeclaration")
      id = fn.id ?? void 0;
    else {
      let holder = fn;
      let parent = parents.of(holder);
      while (parent && TS_WRAPPERS.has(parent.type)) {
        holder = parent;
        parent = parents.of(holder);
      }
      if (parent?.type === "VariableDeclarator" && parent.init === holder)
        id = parent.id;
    }
    const method = this.staticMethodCalls(fn);
    if (method) {
      for (const call of method) {
        const found = this.follow(call, path10, env2, depth + 1);
        if (found)
          return found;
      }
      return void 0;
    }
    const variable = id && resolver.variableOf(id);
    if (!variable)
      return this.follow(fn, ["()", ...path10], env2, depth + 1);
    for (const read2 of resolver.readsOf(variable)) {
      const parent = parents.of(read2);
      const found = parent && (parent.type === "CallExpression" || parent.type === "NewExpression") && parent.callee === read2 ? this.follow(parent, path10, env2, depth + 1) : this.follow(read2, ["()", ...path10], env2, depth + 1);
      if (found)
        return found;
    }
    return void 0;
  }
  /**
   * For a static method of a class declared in this file (`static sslOptions() { return {…} }`),
   * the calls `Db.sslOptions()` of it; undefined for any other function.
   */
  staticMethodCalls(fn) {
    const { parents, resolver } = this.analysis;
    const definition = parents.of(fn);
    if (definition?.type !== "MethodDefinition" || !definition.static || definition.computed || definition.key.type !== "Identifier")
      return void 0;
    const name = definition.key.name;
    const cls = parents.of(parents.of(definition) ?? definition);
    if (!cls || cls.type !== "ClassDeclaration" && cls.type !== "ClassExpression" || !cls.id)
      return void 0;
    const calls = [];
    for (const read2 of resolver.variablesDeclaredBy(cls.id).flatMap((v) => resolver.readsOf(v))) {
      const member = parents.of(read2);
      if (member?.type !== "MemberExpression" || member.object !== read2 || member.computed || member.property.type !== "Identifier" || member.property.name !== name)
        continue;
      const call = parents.of(member);
      if (call?.type === "CallExpression" && call.callee === member)
        calls.push(call);
    }
    return calls;
  }
  /** A configuration file's export (`drizzle.config.ts`, `knexfile.js`). */
  exported(path10, env2) {
    const config = apiOfConfigFile(this.analysis.sink.file);
    if (!config)
      return void 0;
    let p = path10;
    let environment2 = env2;
    if (config.environmentKeys && p.length > 0) {
      const named2 = environmentOfWord(p[0]);
      if (named2) {
        environment2 ??= { name: named2, reason: `${config.api.sink === "knex" ? "knexfile" : "sequelize-cli config"} key \`${p[0]}\`` };
        p = p.slice(1);
      }
    }
    const consumer = this.dialectMatches(config.api, []) ? config.api.pathConsumers?.[p.join(".")] ?? config.api.consumer : void 0;
    return { api: config.api, path: p, ...consumer ? { consumer } : {}, ...environment2 ? { environment: environment2 } : {} };
  }
  calleeApi(callee) {
    const { resolver } = this.analysis;
    const origin = moduleOrigin(callee, resolver);
    if (origin)
      return apiOfCallee(origin);
    let root = unwrapTs(callee);
    while (root.type === "MemberExpression")
      root = unwrapTs(root.object);
    if (root.type !== "Identifier" || !resolver.isGlobal(root))
      return void 0;
    const name = dottedName(callee);
    return name === void 0 ? void 0 : apiByName(name);
  }
  /** Multi-database APIs parse connection strings for Postgres only when configured for it. */
  consumerOf(api, call, path10) {
    return this.dialectMatches(api, call.arguments) ? api.pathConsumers?.[path10.join(".")] ?? api.consumer : void 0;
  }
  /** The dialect key (`client: 'pg'`) names Postgres, in the call's arguments or an object the value sits in. */
  dialectMatches(api, args) {
    if (!api.dialect)
      return true;
    const objects = [...this.objects, ...args.map((arg) => resolveNode(arg, this.analysis.resolver))];
    for (const object of objects) {
      if (object?.type !== "ObjectExpression")
        continue;
      for (const property3 of object.properties) {
        if (property3.type !== "Property" || propertyKeyName(property3) !== api.dialect.key)
          continue;
        const value = fold(property3.value, this.analysis.resolver);
        if (typeof value === "string" && api.dialect.values.includes(value))
          return true;
      }
    }
    return false;
  }
};

// dist/src/extract/js/strings.js
function holderName(node, analysis) {
  let current = node;
  let parent = analysis.parents.of(current);
  while (parent && (TS_WRAPPERS.has(parent.type) || parent.type === "ConditionalExpression" && parent.test !== current || parent.type === "LogicalExpression")) {
    current = parent;
    parent = analysis.parents.of(current);
  }
  if (!parent)
    return void 0;
  switch (parent.type) {
    case "Property":
    case "PropertyDefinition":
      return parent.value === current ? propertyKeyName(parent) : void 0;
    case "VariableDeclarator":
      return parent.init === current && parent.id.type === "Identifier" ? parent.id.name : void 0;
    case "AssignmentExpression":
    case "AssignmentPattern":
      return parent.right === current ? lastSegment(parent.left) : void 0;
    case "JSXAttribute":
      return parent.name.type === "JSXIdentifier" ? parent.name.name : void 0;
    default:
      return void 0;
  }
}
function exported(node, analysis) {
  let current = node;
  for (let parent = analysis.parents.of(current); parent; current = parent, parent = analysis.parents.of(current)) {
    if (TS_WRAPPERS.has(parent.type) || parent.type === "ObjectExpression" || parent.type === "ArrayExpression" || parent.type === "LogicalExpression")
      continue;
    if (parent.type === "ConditionalExpression" && parent.test !== current)
      continue;
    if (parent.type === "Property" && parent.value === current)
      continue;
    if (parent.type === "ExportDefaultDeclaration")
      return true;
    if (parent.type === "VariableDeclarator" && parent.init === current) {
      const declaration = analysis.parents.of(parent);
      return declaration !== void 0 && analysis.parents.of(declaration)?.type === "ExportNamedDeclaration";
    }
    if (parent.type === "AssignmentExpression" && parent.right === current) {
      const target = dottedName(parent.left);
      return target !== void 0 && (target === "module.exports" || target.startsWith("module.exports.") || target.startsWith("exports."));
    }
    return false;
  }
  return false;
}
function lastSegment(node) {
  const name = dottedName(node);
  return name?.slice(name.lastIndexOf(".") + 1);
}
function isModuleSource(node, parent) {
  if (!parent)
    return false;
  return (parent.type === "ImportDeclaration" || parent.type === "ExportAllDeclaration" || parent.type === "ExportNamedDeclaration") && parent.source === node || parent.type === "ImportExpression" && parent.source === node;
}
function emit(value, loc, node, analysis) {
  if (findConnectionStrings(value).length === 0)
    return;
  const variable = holderName(node, analysis);
  const flow = flowOf(node, analysis);
  if (!flow.api && (analysis.sink.testCode || !(exported(node, analysis) || variable !== void 0 && DATABASE_URL_NAME.test(variable.replace(/[_-]/g, "")))))
    return;
  analysis.sink.value(value, loc, {
    unit: analysis.unit,
    ...variable !== void 0 ? { variable } : {},
    ...flow.consumer !== void 0 ? { consumer: flow.consumer } : {},
    ...flow.environment ? { environment: pickEnvironment(analysis.sink.fileEnvironment, variable ? environmentOfVariable(variable) : void 0, flow.environment) } : {}
  });
}
var DATABASE_URL_NAME = /^(?:[a-z0-9]*?(?:database|db|postgres|postgresql|pg|supabase|neon|pooler)(?:url|uri|dsn|connectionstring|connstring|connectionuri)|connectionstring|connstring|dsn)$/i;
var SIMPLE_EXPRESSION = /^[\w$.]+$/;
function onLiteral(node, analysis) {
  if (typeof node.value !== "string" || analysis.consumed.has(node))
    return;
  const parent = analysis.parents.of(node);
  if (parent?.type === "Property" && parent.key === node)
    return;
  if (isModuleSource(node, parent))
    return;
  const text = analysis.sink.text;
  emit(node.value, locateValue(text, node.range[0], node.range[1], node.value), node, analysis);
}
function onTemplate(node, analysis) {
  if (analysis.consumed.has(node))
    return;
  const text = analysis.sink.text;
  const [start, end] = node.range;
  const verbatim = node.quasis.every((q) => q.value.cooked === q.value.raw);
  if (verbatim) {
    let value2 = text.slice(start + 1, end - 1);
    for (const expression of node.expressions) {
      const [s, e] = expression.range;
      if (!SIMPLE_EXPRESSION.test(text.slice(s, e)))
        value2 = value2.slice(0, s - start - 1) + "_".repeat(e - s) + value2.slice(e - start - 1);
    }
    emit(value2, { start: start + 1, end: end - 1, exact: true }, node, analysis);
    return;
  }
  let value = "";
  node.quasis.forEach((q, i) => {
    value += q.value.cooked ?? q.value.raw;
    const expression = node.expressions[i];
    if (expression) {
      const source = text.slice(expression.range[0], expression.range[1]);
      value += "${" + (SIMPLE_EXPRESSION.test(source) ? source : "expression") + "}";
    }
  });
  emit(value, { start, end, exact: false }, node, analysis);
}
var stringHandlers = {
  Literal: onLiteral,
  TemplateLiteral: onTemplate
};

// dist/src/extract/js/functions.js
function functionReturns(fn, resolver) {
  if (fn.async || fn.generator)
    return void 0;
  if (fn.body.type !== "BlockStatement") {
    const v = fold(fn.body, resolver);
    return isKnown(v) ? toLiteralValue(v) : void 0;
  }
  const returns = [];
  let throws = false;
  const visit = (node) => {
    if (node.type === "FunctionDeclaration" || node.type === "FunctionExpression" || node.type === "ArrowFunctionExpression" || node.type === "ClassBody")
      return;
    if (node.type === "ThrowStatement")
      throws = true;
    if (node.type === "ReturnStatement")
      returns.push(node.argument);
    for (const [key, value] of Object.entries(node)) {
      if (key === "parent")
        continue;
      if (Array.isArray(value)) {
        for (const item of value)
          if (isNode2(item))
            visit(item);
      } else if (isNode2(value) && value !== node)
        visit(value);
    }
  };
  for (const statement of fn.body.body)
    visit(statement);
  if (throws)
    return void 0;
  let result2;
  const last = fn.body.body.at(-1);
  const values = returns.map((r) => r ? fold(r, resolver) : void 0);
  if (!last || last.type !== "ReturnStatement")
    values.push(void 0);
  for (const v of values) {
    if (!isKnown(v))
      return void 0;
    const literal = toLiteralValue(v);
    if (result2 !== void 0 && result2 !== literal)
      return void 0;
    result2 = literal;
  }
  return result2;
}
function isNode2(value) {
  return typeof value === "object" && value !== null && typeof value.type === "string" && value.range !== void 0;
}

// dist/src/extract/js/env-defaults.js
var HELPERS = /^(env|env\.(bool|boolean|int|float|str|string|json)|getEnv|getEnvVar)$/;
function envRead(node, analysis, depth = 0) {
  const n = unwrapTs(node);
  if (depth > 4)
    return void 0;
  if (n.type === "ChainExpression")
    return envRead(n.expression, analysis, depth + 1);
  if (n.type === "Identifier") {
    const target = resolveNode(n, analysis.resolver);
    return target && target !== n ? envRead(target, analysis, depth + 1) : void 0;
  }
  const name = dottedName(n);
  for (const prefix of ["process.env.", "import.meta.env."])
    if (name?.startsWith(prefix))
      return name.slice(prefix.length);
  if (n.type === "CallExpression" && dottedName(n.callee) === "Deno.env.get") {
    const v = n.arguments[0] && n.arguments[0].type !== "SpreadElement" ? fold(n.arguments[0]) : void 0;
    return typeof v === "string" ? v : void 0;
  }
  return void 0;
}
function envDefault(node, analysis, depth = 0) {
  const n = unwrapTs(node);
  if (depth > 4)
    return void 0;
  if (n.type === "Identifier") {
    const target = resolveNode(n, analysis.resolver);
    return target && target !== n ? envDefault(target, analysis, depth + 1) : void 0;
  }
  if (n.type === "CallExpression") {
    const callee = dottedName(n.callee);
    const [first, second] = n.arguments;
    if (callee && HELPERS.test(callee) && first && first.type !== "SpreadElement") {
      const variable = fold(first, analysis.resolver);
      if (typeof variable !== "string")
        return void 0;
      if (!second || second.type === "SpreadElement")
        return void 0;
      const value = fold(second, analysis.resolver);
      return isKnown(value) ? { value, variable } : void 0;
    }
    if (callee === "Boolean" && first && first.type !== "SpreadElement") {
      const variable = envRead(first, analysis);
      return variable ? { value: false, variable } : void 0;
    }
    return void 0;
  }
  if (n.type === "LogicalExpression" && (n.operator === "??" || n.operator === "||")) {
    const variable = envRead(n.left, analysis);
    const value = fold(n.right, analysis.resolver);
    return variable && isKnown(value) ? { value, variable } : void 0;
  }
  if (n.type === "BinaryExpression" && ["===", "==", "!==", "!="].includes(n.operator) && n.left.type !== "PrivateIdentifier") {
    const [read2, other] = envRead(n.left, analysis) ? [n.left, n.right] : envRead(n.right, analysis) ? [n.right, n.left] : [];
    if (!read2 || !other)
      return void 0;
    const compared = fold(other, analysis.resolver);
    if (!isKnown(compared) || compared === void 0)
      return void 0;
    const loose = n.operator === "==" || n.operator === "!=";
    const unsetMatches = loose && compared === null;
    const equal = n.operator === "===" || n.operator === "==";
    return { value: equal ? unsetMatches : !unsetMatches, variable: envRead(read2, analysis) };
  }
  return void 0;
}

// dist/src/extract/js/tls-precedence.js
var URL_TLS_PARAMS = /* @__PURE__ */ new Set(["ssl", "sslmode", "sslcert", "sslkey", "sslrootcert"]);
function urlTlsParams(url) {
  if (!/^postgres(?:ql)?:\/\//i.test(url.trim()))
    return [];
  const q = url.indexOf("?");
  if (q < 0)
    return [];
  const out = [];
  for (const pair of url.slice(q + 1).split("#")[0].split("&")) {
    const eq = pair.indexOf("=");
    let key = eq < 0 ? pair : pair.slice(0, eq);
    try {
      key = decodeURIComponent(key);
    } catch {
      continue;
    }
    const value = eq < 0 ? "" : pair.slice(eq + 1);
    if (URL_TLS_PARAMS.has(key) || key === "sslnegotiation" && value === "direct")
      out.push(`${key}=${value}`);
  }
  return out;
}
function property2(object, name) {
  if (!object)
    return void 0;
  let found;
  for (const p of object.properties)
    if (p.type === "Property" && propertyKeyName(p) === name)
      found = p;
  return found;
}
function objectValue(p) {
  const v = p && unwrapTs(p.value);
  return v?.type === "ObjectExpression" ? v : void 0;
}
function urlParamsOf(node, analysis) {
  const v = node ? fold(node, analysis.resolver) : void 0;
  return typeof v === "string" ? urlTlsParams(v) : [];
}
function literalChain(node, analysis) {
  const objects = [node];
  const keys = [];
  let current = node;
  for (; ; ) {
    let up = analysis.parents.of(current);
    while (up && (up.type === "TSAsExpression" || up.type === "TSSatisfiesExpression")) {
      current = up;
      up = analysis.parents.of(current);
    }
    const object = up?.type === "Property" && up.value === current ? analysis.parents.of(up) : void 0;
    if (up?.type !== "Property" || object?.type !== "ObjectExpression")
      break;
    const key = propertyKeyName(up);
    if (key === void 0)
      break;
    objects.unshift(object);
    keys.unshift(key);
    current = object;
  }
  return { objects, keys };
}
function startsWith(path10, prefix) {
  return prefix.every((k, i) => path10[i] === k);
}
function unreadTls(node, flow, analysis) {
  if (flow.api?.driver !== "pg")
    return void 0;
  const { objects, keys } = literalChain(node, analysis);
  const rel = flow.path[0] === "useFactory" && flow.path[1] === "()" ? flow.path.slice(2) : flow.path;
  const hasSsl = property2(node, "ssl") !== void 0;
  const at = (prefix) => {
    const index = objects.length - 1 - (rel.length - prefix.length);
    return index >= 0 && startsWith(rel, prefix) ? objects[index] : void 0;
  };
  const precedence = flow.api.tlsPrecedence;
  if (precedence === "typeorm") {
    const config = at([]);
    const url2 = urlParamsOf(property2(config, "url")?.value, analysis);
    const byUrl = (what) => ({
      keys: "all",
      by: "url",
      because: `\`url\` carries ${url2.join("&")}, and node-postgres then takes its TLS settings from the URL alone, in place of ${what}`
    });
    const sslKeys = rel.length === 0 && hasSsl ? "ssl" : rel[0] === "ssl" ? "all" : void 0;
    if (sslKeys) {
      if (url2.length)
        return { ...byUrl("`ssl`"), keys: sslKeys };
      if (property2(objectValue(property2(config, "extra")), "ssl"))
        return { keys: sslKeys, by: "extra.ssl", because: "TypeORM hands `extra.ssl` to node-postgres in place of `ssl`" };
    }
    if (rel.length === 1 && rel[0] === "extra" && hasSsl && url2.length)
      return { ...byUrl("`extra.ssl`"), keys: "ssl" };
    if (rel[0] === "extra" && rel[1] === "ssl" && url2.length)
      return byUrl("`extra.ssl`");
    return void 0;
  }
  if (precedence === "sequelize") {
    const notRead = { by: "nothing", because: "Sequelize's postgres dialect hands node-postgres only `dialectOptions.ssl`; a top-level `ssl` never reaches it" };
    if (rel.length === 0 && hasSsl)
      return { keys: "ssl", ...notRead };
    if (rel[0] === "ssl")
      return { keys: "all", ...notRead };
    const config = at([]);
    const call = config && analysis.parents.of(config);
    const url2 = call && (call.type === "NewExpression" || call.type === "CallExpression") && call.arguments[1] === config ? urlParamsOf(call.arguments[0], analysis) : [];
    if (url2.length === 0)
      return void 0;
    const because = `the URL carries ${url2.join("&")}, and Sequelize puts the URL's TLS settings in place of \`dialectOptions.ssl\``;
    if (rel.length === 1 && rel[0] === "dialectOptions" && hasSsl)
      return { keys: "ssl", by: "url", because };
    if (rel[0] === "dialectOptions" && rel[1] === "ssl")
      return { keys: "all", by: "url", because };
    return void 0;
  }
  const sslAt = hasSsl ? rel.length : rel.lastIndexOf("ssl");
  if (sslAt < 0)
    return void 0;
  const holder = hasSsl ? node : at(rel.slice(0, sslAt));
  const url = urlParamsOf(property2(holder, "connectionString")?.value, analysis);
  if (url.length === 0)
    return void 0;
  return {
    keys: hasSsl ? "ssl" : "all",
    by: "url",
    because: `\`connectionString\` carries ${url.join("&")}, and node-postgres then takes its TLS settings from the URL alone, in place of \`ssl\``
  };
}

// dist/src/extract/js/tls-options.js
var TLS_OPTION_KEYS = /* @__PURE__ */ new Set(["rejectUnauthorized", "ssl", "sslmode", "minVersion", "maxVersion", "secureProtocol", "ca", "checkServerIdentity"]);
var DRIVER_KEYS = /* @__PURE__ */ new Set(["enabled", "enforce", "caCertificates", "require"]);
function samePath(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
function optionOf(property3, analysis) {
  const { sink, resolver } = analysis;
  const unsetSide = property3.kind === "init" && !property3.method ? unsetSideOf(property3.value, analysis) : void 0;
  const option = {
    value: property3.method || property3.kind !== "init" ? { unknown: true } : toLiteralValue(fold(unsetSide ?? property3.value, resolver)),
    span: sink.span(property3.range[0], property3.range[1]),
    valueSpan: sink.span(property3.value.range[0], property3.value.range[1])
  };
  const fn = property3.kind === "init" ? resolveNode(property3.value, resolver) : void 0;
  if (fn && (fn.type === "ArrowFunctionExpression" || fn.type === "FunctionExpression" || fn.type === "FunctionDeclaration")) {
    const returns = functionReturns(fn, resolver);
    if (returns !== void 0)
      option.returns = returns;
  }
  return option;
}
function onObject(node, analysis) {
  const candidates = [];
  let generic = false;
  for (const property3 of node.properties) {
    if (property3.type !== "Property")
      continue;
    const name = propertyKeyName(property3);
    if (name === void 0)
      continue;
    if (TLS_OPTION_KEYS.has(name))
      generic = true;
    else if (!DRIVER_KEYS.has(name))
      continue;
    candidates.push([name, property3]);
  }
  if (candidates.length === 0)
    return;
  const flow = flowOf(node, analysis);
  if (!flow.api && !mayBePostgresTls(node, analysis))
    return;
  const driverKeys = flow.api?.tlsKeys && samePath(flow.api.tlsKeys.path, flow.path) ? new Set(flow.api.tlsKeys.keys) : void 0;
  if (!generic && !driverKeys)
    return;
  const options = {};
  const sides = [];
  for (const [name, property3] of candidates) {
    if (!TLS_OPTION_KEYS.has(name) && !driverKeys?.has(name))
      continue;
    const option = optionOf(property3, analysis);
    options[name] = option;
    if (!isKnown(option.value) && property3.kind === "init" && !property3.method)
      sides.push({ name, property: property3 });
  }
  if (Object.keys(options).length === 0)
    return;
  const fallback = options.ssl && !isKnown(options.ssl.value) ? sslFallback(node, analysis) : void 0;
  const host = hostBeside(node, analysis);
  if (host && !options.host)
    options.host = host;
  const environment2 = environmentOf(flow, analysis);
  const unread = unreadTls(node, flow, analysis);
  const push = (f) => {
    analysis.sink.facts.push(unread ? setApart(f, unread) : f);
  };
  const gate = optInGate(node, analysis);
  if (gate) {
    for (const option of Object.values(options))
      if (option !== options.host)
        option.onlyWhen = gate;
  }
  push(fact(node, options, flow, environment2, analysis));
  if (fallback)
    push(fact(fallback.property, { ssl: fallback.option, ...host ? { host } : {} }, flow, environment2, analysis));
  for (const { name, property: property3 } of sides) {
    const branches = valueBranches(property3.value, analysis);
    for (const side of branches) {
      const inProperty = side.node.range[0] >= property3.range[0] && side.node.range[1] <= property3.range[1];
      const at = inProperty && unwrapTs(side.node) !== unwrapTs(property3.value) ? side.node : property3;
      const option = {
        value: toLiteralValue(side.value),
        span: analysis.sink.span(at.range[0], at.range[1]),
        valueSpan: analysis.sink.span(side.node.range[0], side.node.range[1])
      };
      push(fact(at, { [name]: option }, flow, pickEnvironment(analysis.sink.fileEnvironment, side.environment), analysis));
    }
    const unset = name === "rejectUnauthorized" && branches.length === 0 ? envDefault(property3.value, analysis) : void 0;
    if (unset && !(flow.api === void 0 && OTHER_TLS_NAME.test(unset.variable))) {
      const option = {
        value: toLiteralValue(unset.value),
        span: analysis.sink.span(property3.range[0], property3.range[1]),
        valueSpan: analysis.sink.span(property3.value.range[0], property3.value.range[1]),
        whenUnset: unset.variable
      };
      push(fact(property3, { [name]: option, ...host ? { host } : {} }, flow, environment2, analysis));
    }
  }
}
function optInGate(node, analysis) {
  let current = node;
  for (let parent = analysis.parents.of(current); parent; current = parent, parent = analysis.parents.of(current)) {
    if (TS_WRAPPERS.has(parent.type))
      continue;
    if (branchEnvironment(parent, current, analysis))
      return void 0;
    if (parent.type === "ConditionalExpression" && parent.test !== current) {
      const test = envComparison(parent.test);
      if (!test)
        return void 0;
      const unsetSide = test.equal ? parent.alternate : parent.consequent;
      return unsetSide === current ? void 0 : analysis.sink.text.slice(parent.test.range[0], parent.test.range[1]);
    }
    if (parent.type === "LogicalExpression" && parent.operator === "&&" && parent.right === current) {
      const left = unwrapTs(parent.left);
      const test = envComparison(left);
      if (test && test.equal || isEnvRead(left))
        return analysis.sink.text.slice(parent.left.range[0], parent.left.range[1]);
      return void 0;
    }
    return void 0;
  }
  return void 0;
}
function isEnvRead(node) {
  const n = unwrapTs(node);
  return n.type === "MemberExpression" && /^process\.env\.|^import\.meta\.env\./.test(dottedName(n) ?? "");
}
function sslFallback(node, analysis) {
  const property3 = node.properties.find((p) => p.type === "Property" && propertyKeyName(p) === "ssl");
  const call = property3 && unwrapTs(property3.value);
  if (!property3 || call?.type !== "CallExpression")
    return void 0;
  const fn = resolveNode(call.callee, analysis.resolver);
  if (!fn || fn.type !== "FunctionDeclaration" && fn.type !== "FunctionExpression" && fn.type !== "ArrowFunctionExpression" || fn.body.type !== "BlockStatement")
    return void 0;
  const last = fn.body.body.at(-1);
  if (last?.type !== "ReturnStatement" || !last.argument || fold(last.argument, analysis.resolver) !== false)
    return void 0;
  const { sink } = analysis;
  const text = sink.text.slice(call.range[0], call.range[1]);
  return {
    property: property3,
    option: { value: false, span: sink.span(property3.range[0], property3.range[1]), valueSpan: sink.span(call.range[0], call.range[1]), fallbackOf: text.length > 60 ? `${text.slice(0, 57)}\u2026` : text }
  };
}
function unsetSideOf(value, analysis) {
  const v = unwrapTs(value);
  if (v.type === "ConditionalExpression" && !branchEnvironment(v, v.consequent, analysis)) {
    const test = envComparison(v.test);
    return test ? test.equal ? v.alternate : v.consequent : void 0;
  }
  return void 0;
}
function envComparison(test) {
  const t = unwrapTs(test);
  if (t.type !== "BinaryExpression" || !["===", "==", "!==", "!="].includes(t.operator))
    return void 0;
  const [a, b] = [unwrapTs(t.left), unwrapTs(t.right)];
  const literal = (x) => x.type === "Literal" && typeof x.value === "string" && x.value !== "";
  if (!(isEnvRead(a) && literal(b) || isEnvRead(b) && literal(a)))
    return void 0;
  return { equal: t.operator === "===" || t.operator === "==" };
}
var OTHER_TLS_NAME = /^tls$|redis|smtp|mail|kafka|amqp|rabbit|mongo|mysql|maria|ldap|elastic/i;
function mayBePostgresTls(node, analysis) {
  if (analysis.sink.testCode)
    return false;
  let holder = node;
  let parent = analysis.parents.of(holder);
  while (parent && (parent.type === "ConditionalExpression" || parent.type === "LogicalExpression" || TS_WRAPPERS.has(parent.type))) {
    holder = parent;
    parent = analysis.parents.of(holder);
  }
  if (parent?.type === "Property" && parent.value === holder && propertyKeyName(parent) === "tls")
    return false;
  if (parent?.type === "VariableDeclarator" && parent.init === holder && parent.id.type === "Identifier" && OTHER_TLS_NAME.test(parent.id.name))
    return false;
  return !usesOnlyOtherClients(analysis.sink.text);
}
function setApart(f, unread) {
  const options = {};
  const moved = {};
  for (const [name, option] of Object.entries(f.options)) {
    if (name !== "host" && (unread.keys === "all" || name === unread.keys))
      moved[name] = option;
    else
      options[name] = option;
  }
  if (Object.keys(moved).length === 0)
    return f;
  return { ...f, options, unread: { options: moved, by: unread.by, because: unread.because } };
}
function hostBeside(node, analysis) {
  let object = node;
  while (object?.type === "ObjectExpression") {
    for (const property3 of object.properties) {
      if (property3.type !== "Property" || property3.kind !== "init")
        continue;
      const name = propertyKeyName(property3);
      if (name !== "host" && name !== "hostname")
        continue;
      const value = fold(property3.value, analysis.resolver);
      if (typeof value !== "string")
        continue;
      return { value, span: analysis.sink.span(property3.range[0], property3.range[1]), valueSpan: analysis.sink.span(property3.value.range[0], property3.value.range[1]) };
    }
    const parent = analysis.parents.of(object);
    object = parent?.type === "Property" && parent.value === object ? analysis.parents.of(parent) : void 0;
  }
  return void 0;
}
function environmentOf(flow, analysis) {
  return pickEnvironment(analysis.sink.fileEnvironment, flow.environment);
}
function fact(node, options, flow, environment2, analysis) {
  const { sink } = analysis;
  return {
    kind: "tls-options",
    file: sink.file,
    format: sink.format,
    span: sink.span(node.range[0], node.range[1]),
    environment: environment2,
    unit: analysis.unit,
    options,
    ...flow.api ? { sink: flow.api.sink, driver: flow.api.driver } : {},
    ...flow.callAt !== void 0 ? { receiverAt: flow.callAt } : {}
  };
}
var ASSIGNED_KEYS = /* @__PURE__ */ new Set(["rejectUnauthorized", "checkServerIdentity", "minVersion", "secureProtocol"]);
function onAssignment(node, analysis) {
  if (node.operator !== "=")
    return;
  const left = unwrapTs(node.left);
  if (left.type !== "MemberExpression" || left.computed || left.property.type !== "Identifier" || !ASSIGNED_KEYS.has(left.property.name))
    return;
  const target = resolveNode(left.object, analysis.resolver);
  if (target?.type !== "ObjectExpression")
    return;
  const flow = flowOf(target, analysis);
  if (!flow.api && !mayBePostgresTls(target, analysis))
    return;
  const { sink, resolver } = analysis;
  const option = {
    value: toLiteralValue(fold(node.right, resolver)),
    span: sink.span(node.range[0], node.range[1]),
    valueSpan: sink.span(node.right.range[0], node.right.range[1])
  };
  const fn = resolveNode(node.right, resolver);
  if (fn && (fn.type === "ArrowFunctionExpression" || fn.type === "FunctionExpression" || fn.type === "FunctionDeclaration")) {
    const returns = functionReturns(fn, resolver);
    if (returns !== void 0)
      option.returns = returns;
  }
  const options = { [left.property.name]: option };
  const host = hostBeside(target, analysis);
  if (host)
    options.host = host;
  analysis.sink.facts.push(fact(node, options, flow, environmentOf(flow, analysis), analysis));
}
var tlsOptionHandlers = {
  ObjectExpression: onObject,
  AssignmentExpression: onAssignment
};

// dist/src/extract/js/env-assignments.js
var ASSIGNING_OPERATORS = /* @__PURE__ */ new Set(["=", "??=", "||="]);
function emitEnv(name, range, valueNode, analysis) {
  const text = analysis.sink.text;
  const [start, end] = valueNode.range;
  const folded = fold(valueNode, analysis.resolver);
  let value;
  let loc;
  if (isKnown(folded)) {
    value = String(folded);
    loc = locateValue(text, start, end, value);
    analysis.consumed.add(unwrapTs(valueNode));
  } else {
    loc = { start, end, exact: false };
  }
  const environment2 = enclosingEnvironment(valueNode, analysis);
  analysis.sink.assignment(name, range, value, loc, { unit: analysis.unit, processEnv: true, ...environment2 ? { environment: environment2 } : {} });
}
function onAssignment2(node, analysis) {
  if (!ASSIGNING_OPERATORS.has(node.operator))
    return;
  const left = unwrapTs(node.left);
  if (left.type !== "MemberExpression" || !isProcessEnv(left.object))
    return;
  const member = memberName(analysis.sink.text, left);
  if (member)
    emitEnv(member.name, member.range, node.right, analysis);
}
function onCall(node, analysis) {
  if (dottedName(node.callee) !== "Object.assign")
    return;
  const [target, ...sources] = node.arguments;
  if (!target || !isProcessEnv(target))
    return;
  for (const source of sources) {
    const object = unwrapTs(source);
    if (object.type !== "ObjectExpression")
      continue;
    for (const property3 of object.properties) {
      if (property3.type !== "Property" || property3.kind !== "init" || property3.method)
        continue;
      const name = propertyKeyName(property3);
      if (name === void 0)
        continue;
      emitEnv(name, nameRange(analysis.sink.text, property3.key, name), property3.value, analysis);
    }
  }
}
var envAssignmentHandlers = {
  AssignmentExpression: onAssignment2,
  CallExpression: onCall
};

// dist/src/extract/js/env-reads.js
var CONNECTION_STRING_KEYS = /* @__PURE__ */ new Set(["connectionString", "conString", "url", "uri", "connection", "databaseUrl", "datasourceUrl", "dsn", "directUrl", "shadowDatabaseUrl"]);
function onMember(node, analysis) {
  if (!isProcessEnv(node.object) && dottedName(node.object) !== "import.meta.env")
    return;
  const parent = analysis.parents.of(node);
  if (parent?.type === "AssignmentExpression" && parent.left === node)
    return;
  const member = memberName(analysis.sink.text, node);
  if (member)
    read(member.name, node, analysis);
}
function onCall2(node, analysis) {
  if (dottedName(node.callee) !== "Deno.env.get" && !isPrismaEnv(node.callee, analysis))
    return;
  const arg = node.arguments[0] ? unwrapTs(node.arguments[0]) : void 0;
  if (arg?.type === "Literal" && typeof arg.value === "string")
    read(arg.value, node, analysis);
}
function isPrismaEnv(callee, analysis) {
  if (callee.type !== "Identifier" || callee.name !== "env")
    return false;
  const origin = moduleOrigin(callee, analysis.resolver);
  return origin?.module === "prisma/config" && origin.path.join(".") === "env";
}
function read(name, node, analysis) {
  const flow = flowOf(node, analysis);
  if (!flow.api || flow.consumer === void 0)
    return;
  const last = flow.path.at(-1);
  if (flow.path.length > 0 && (last === void 0 || !CONNECTION_STRING_KEYS.has(last)))
    return;
  const { sink } = analysis;
  sink.use({
    unit: analysis.unit,
    scope: "code",
    parts: [{ name }],
    valueRange: { start: node.range[0], end: node.range[1] },
    consumer: flow.consumer,
    ...flow.callAt !== void 0 ? { receiverAt: flow.callAt } : {},
    written: sink.text.slice(node.range[0], node.range[1])
  });
}
var envReadHandlers = {
  MemberExpression: onMember,
  CallExpression: onCall2
};

// dist/src/extract/js/driver-options.js
var DECIDED_ELSEWHERE = /* @__PURE__ */ new Set(["ssl", "tls", "connectionString", "conString", "url", "uri", "connection"]);
var PARTS = {
  host: "host",
  hostname: "host",
  port: "port",
  user: "user",
  username: "user",
  password: "password",
  database: "dbname",
  db: "dbname"
};
function onObject2(node, analysis) {
  const found = {};
  for (const property3 of node.properties) {
    if (property3.type !== "Property")
      return;
    const name = propertyKeyName(property3);
    if (name === void 0)
      continue;
    if (DECIDED_ELSEWHERE.has(name))
      return;
    const part = PARTS[name];
    if (!part)
      continue;
    const value = fold(property3.value, analysis.resolver);
    if (typeof value === "string" || part === "port" && typeof value === "number")
      found[part] = { value: String(value), node: property3.value };
  }
  const host = found.host;
  if (!host || host.value.trim() === "" || /[\s'\\]/.test(host.value))
    return;
  const flow = flowOf(node, analysis);
  if (!flow.api || !flow.consumer || flow.path.length > 0)
    return;
  const words2 = [`host=${host.value}`];
  if (found.port)
    words2.push(`port=${found.port.value}`);
  if (found.user && !/[\s'\\]/.test(found.user.value))
    words2.push(`user=${found.user.value}`);
  if (found.dbname && !/[\s'\\]/.test(found.dbname.value))
    words2.push(`dbname=${found.dbname.value}`);
  const { sink } = analysis;
  const before = sink.facts.length;
  sink.connection(words2.join(" "), { start: host.node.range[0], end: host.node.range[1], exact: false }, 0, {
    unit: analysis.unit,
    variable: "host",
    consumer: flow.consumer,
    ...flow.environment ? { environment: pickEnvironment(sink.fileEnvironment, flow.environment) } : {}
  });
  const fact3 = sink.facts[before];
  if (fact3?.kind !== "connection")
    return;
  fact3.synthesized = "driver-options";
  const password = found.password;
  if (password && password.node.type === "Literal") {
    const [start, end] = password.node.range;
    fact3.password = { present: true, placeholder: isPlaceholder(password.value), ...looksGenerated(password.value) ? { generated: true } : {}, span: sink.span(start + 1, end - 1) };
  }
}
var driverOptionHandlers = {
  ObjectExpression: onObject2
};

// dist/src/extract/js/scope.js
var require9 = createRequire(__sslguardFileUrl);
var scopeManager;
var Resolver = class {
  program;
  script;
  references;
  declarations;
  /** Every variable an identifier declares: a class name binds one outside the class and one inside. */
  allDeclarations;
  constructor(program, script) {
    this.program = program;
    this.script = script;
  }
  index() {
    if (this.references)
      return;
    this.references = /* @__PURE__ */ new Map();
    this.declarations = /* @__PURE__ */ new Map();
    this.allDeclarations = /* @__PURE__ */ new Map();
    try {
      scopeManager ??= require9("@typescript-eslint/scope-manager");
      const manager = scopeManager.analyze(this.program, { sourceType: this.script ? "script" : "module", lib: [], globalReturn: this.script });
      for (const scope of manager.scopes) {
        for (const reference of scope.references)
          this.references.set(reference.identifier, reference);
        for (const variable of scope.variables) {
          for (const id of variable.identifiers) {
            this.declarations.set(id, variable);
            this.allDeclarations.set(id, [...this.allDeclarations.get(id) ?? [], variable]);
          }
        }
      }
    } catch {
    }
  }
  /** The variable an identifier reads or declares; undefined for globals and unresolvable names. */
  variableOf(id) {
    if (id.type !== "Identifier")
      return void 0;
    this.index();
    return this.references.get(id)?.resolved ?? this.declarations.get(id) ?? void 0;
  }
  /** An identifier that names no declaration of this file (`require`, `process`, an undeclared `Pool`). */
  isGlobal(id) {
    if (id.type !== "Identifier")
      return false;
    this.index();
    const reference = this.references.get(id);
    return reference ? reference.resolved === null : !this.declarations.has(id);
  }
  /**
   * The one value a variable ever holds: `const x = …`, `let x = …` never assigned again, a
   * destructured `const { a } = obj`, or a function declaration. Undefined otherwise.
   */
  aliasOf(variable) {
    if (variable.defs.length !== 1)
      return void 0;
    const def = variable.defs[0];
    if (def.type === "FunctionName")
      return { init: def.node, path: [] };
    if (def.type !== "Variable")
      return void 0;
    const declarator = def.node;
    if (!declarator.init)
      return void 0;
    if (variable.references.some((r) => r.isWrite() && !r.init))
      return void 0;
    if (declarator.id === def.name)
      return { init: declarator.init, path: [] };
    const path10 = patternPath(declarator.id, def.name);
    return path10 ? { init: declarator.init, path: path10 } : void 0;
  }
  /** Every variable `id` declares (a class name: the one outside the class and the one inside). */
  variablesDeclaredBy(id) {
    this.index();
    return this.allDeclarations.get(id) ?? [];
  }
  /** Identifiers that read the variable. */
  readsOf(variable) {
    return variable.references.filter((r) => r.isRead() && r.isValueReference).map((r) => r.identifier);
  }
};
function patternPath(pattern2, target) {
  if (pattern2 === target)
    return [];
  if (pattern2.type === "AssignmentPattern")
    return patternPath(pattern2.left, target);
  if (pattern2.type !== "ObjectPattern")
    return void 0;
  for (const property3 of pattern2.properties) {
    if (property3.type !== "Property")
      continue;
    const key = !property3.computed && property3.key.type === "Identifier" ? property3.key.name : property3.key.type === "Literal" ? String(property3.key.value) : void 0;
    if (key === void 0)
      continue;
    const rest = patternPath(property3.value, target);
    if (rest)
      return [key, ...rest];
  }
  return void 0;
}

// dist/src/text/literal-alternation.js
function escapeChar(char) {
  return /[.*+?^${}()|[\]\\]/.test(char) ? `\\${char}` : char;
}
function isAtom(pattern2) {
  return pattern2.length === 1 || pattern2.length === 2 && pattern2[0] === "\\";
}
function render(node) {
  const branches = [...node.children].map(([char, child]) => escapeChar(char) + render(child));
  if (branches.length === 0)
    return "";
  if (!node.end)
    return branches.length === 1 ? branches[0] : `(?:${branches.join("|")})`;
  return branches.length === 1 && isAtom(branches[0]) ? `${branches[0]}?` : `(?:${branches.join("|")})?`;
}
function literalAlternation(words2) {
  const root = { end: false, children: /* @__PURE__ */ new Map() };
  for (const word of words2) {
    if (word === "")
      throw new Error("literalAlternation: empty word");
    let node = root;
    for (const char of word) {
      let child = node.children.get(char);
      if (!child)
        node.children.set(char, child = { end: false, children: /* @__PURE__ */ new Map() });
      node = child;
    }
    node.end = true;
  }
  const branches = [...root.children].map(([char, child]) => escapeChar(char) + render(child));
  return branches.join("|");
}

// dist/src/extract/source.js
var SOURCE_TRIGGERS = [
  // Connection strings: `postgres://`, `postgresql://`, SQLAlchemy-style `postgresql+asyncpg://`, JDBC.
  "postgres://",
  "postgresql://",
  "postgres+",
  "postgresql+",
  // Modules and dialect names: `'postgres'` (postgres.js, TypeORM `type`, Sequelize `dialect`),
  // node-postgres, deno.land/x/postgres, @db/postgres, @vercel/postgres, drizzle-orm/postgres-js,
  // @modelcontextprotocol/server-postgres.
  "'postgres'",
  '"postgres"',
  "/postgres",
  "-postgres",
  "pg-pool",
  "pg-promise",
  "connect-pg-simple",
  "adapter-pg",
  "prisma/config",
  "@neondatabase",
  "slonik",
  "PostgresDialect",
  "sslmode",
  "PGSSL",
  "rejectUnauthorized",
  "REJECT_UNAUTHORIZED",
  "ssl",
  "SSL",
  "minVersion",
  "secureProtocol",
  "host=",
  "checkServerIdentity",
  // A driver handed an environment variable (`new Pool({ connectionString: process.env.DATABASE_URL })`): the value is judged where it is written, with this call's TLS options.
  "connectionString",
  "'pg'",
  '"pg"'
];
var CLIENT_MODULE = /(['"])(?:pg|postgres|pg-pool|pg-promise|pg-native|connect-pg-simple|knex|sequelize|sequelize-typescript|@sequelize\/core|typeorm|@nestjs\/typeorm|@prisma\/client|@prisma\/adapter-pg|prisma\/config|@mikro-orm\/[\w-]+|kysely|slonik|@neondatabase\/serverless|@vercel\/postgres|drizzle-orm\/[\w-]+|drizzle-kit)\1|deno\.land\/x\/postgres|@db\/postgres/;
var PROCESS_ENV = /NODE_TLS_REJECT_UNAUTHORIZED|PGSSL|process\.env\.\w+\s*=\s*[`'"]postgres(?:ql)?:\/\//;
var BUNDLE_MARKER = /\b__toESM\(|\b__commonJS\(|\b__webpack_require__\b|^\/\/ node_modules\//m;
var WORD_START_TRIGGERS = /* @__PURE__ */ new Set(["ssl", "SSL"]);
function triggerPattern(words2) {
  const unique = [...new Set(words2)];
  const anywhere = unique.filter((t) => !WORD_START_TRIGGERS.has(t));
  const wordStart = unique.filter((t) => WORD_START_TRIGGERS.has(t));
  return [...anywhere.length > 0 ? [literalAlternation(anywhere)] : [], ...wordStart.length > 0 ? [`(?<![A-Za-z0-9])(?:${wordStart.join("|")})`] : []].join("|");
}
var SOURCE_TRIGGER_PATTERN = triggerPattern(SOURCE_TRIGGERS);
var TRIGGER = new RegExp(SOURCE_TRIGGER_PATTERN);
var TRIGGER_ALL = new RegExp(SOURCE_TRIGGER_PATTERN, "g");
function hasSourceTriggers(text) {
  return TRIGGER.test(text);
}
function registry(...groups) {
  const map = /* @__PURE__ */ new Map();
  for (const group of groups) {
    for (const [type, handler] of Object.entries(group)) {
      if (!handler)
        continue;
      const list = map.get(type) ?? [];
      list.push(handler);
      map.set(type, list);
    }
  }
  return map;
}
var HANDLERS = registry(envAssignmentHandlers, tlsOptionHandlers, driverOptionHandlers, stringHandlers, envReadHandlers);
var extractSource = (input2) => {
  const sink = new FactSink(input2, "source");
  if (!matchesOutsideComments(input2.text, TRIGGER_ALL))
    return sink.result();
  if (BUNDLE_MARKER.test(input2.text))
    return sink.result();
  if (sink.testCode && !CLIENT_MODULE.test(input2.text) && !PROCESS_ENV.test(input2.text))
    return sink.result();
  const parsed = input2.program ? { ok: true, program: input2.program } : parseSource(input2.text, input2.file);
  if (!parsed.ok) {
    sink.diagnostic(`${parsed.syntax ? "syntax error" : "cannot parse"}: ${parsed.message}`, parsed.offset);
    return sink.result();
  }
  const analysis = {
    sink,
    unit: unitOf(input2.file, "source-file", input2.file),
    parents: new Parents(parsed.program),
    consumed: /* @__PURE__ */ new Set(),
    resolver: new Resolver(parsed.program, /\.cjs$/i.test(input2.file))
  };
  try {
    walk(parsed.program, analysis.parents, (node) => {
      const handlers = HANDLERS.get(node.type);
      if (handlers)
        for (const handle of handlers)
          handle(node, analysis);
    });
  } catch (e) {
    sink.diagnostic(`cannot analyse this file: ${e instanceof Error ? e.message : String(e)}`);
  }
  return sink.result();
};

// dist/src/extract/python/tree.js
var require10 = createRequire(__sslguardFileUrl);
var lezer;
function loadParser() {
  lezer ??= require10("@lezer/python");
  return lezer;
}
function parsePython(text) {
  const tree = loadParser().parser.parse(text);
  const root = { type: "Script", from: 0, to: text.length, children: [] };
  const stack = [];
  let errorAt;
  const cursor = tree.cursor();
  for (; ; ) {
    const type = cursor.type.name;
    let node;
    if (stack.length === 0)
      node = root;
    else {
      const parent = stack[stack.length - 1];
      node = { type, from: cursor.from, to: cursor.to, children: [], parent };
      parent.children.push(node);
      if (type === "\u26A0" && errorAt === void 0)
        errorAt = cursor.from;
    }
    if (cursor.firstChild()) {
      stack.push(node);
      continue;
    }
    while (!cursor.nextSibling()) {
      if (!cursor.parent())
        return errorAt === void 0 ? { root } : { root, errorAt };
      stack.pop();
    }
  }
}
function named(node) {
  return node.children.filter((c) => /^[A-Z]/.test(c.type) && c.type !== "AssignOp" && c.type !== "TypeDef");
}
function* descendants(node) {
  const stack = [node];
  while (stack.length > 0) {
    const n = stack.pop();
    yield n;
    for (let i = n.children.length - 1; i >= 0; i--)
      stack.push(n.children[i]);
  }
}

// dist/src/extract/python/names.js
function importPath(tokens, text) {
  return tokens.map((t) => t.type === "." ? "." : text.slice(t.from, t.to)).join("");
}
function readImport(stmt, text, imports) {
  const kids = stmt.children;
  if (kids[0]?.type === "from") {
    const at = kids.findIndex((k) => k.type === "import");
    if (at < 0)
      return;
    const module2 = importPath(kids.slice(1, at), text);
    if (module2.startsWith("."))
      return;
    const rest = kids.slice(at + 1).filter((k) => k.type !== "(" && k.type !== ")");
    for (let i = 0; i < rest.length; i++) {
      const k = rest[i];
      if (k.type !== "VariableName")
        continue;
      const name = text.slice(k.from, k.to);
      const alias = rest[i + 1]?.type === "as" ? rest[i + 2] : void 0;
      imports.set(alias ? text.slice(alias.from, alias.to) : name, `${module2}.${name}`);
      if (alias)
        i += 2;
    }
    return;
  }
  let group = [];
  const flush = (alias) => {
    if (group.length === 0)
      return;
    const path10 = importPath(group, text);
    if (alias)
      imports.set(text.slice(alias.from, alias.to), path10);
    else {
      const first = path10.split(".")[0];
      imports.set(first, first);
    }
    group = [];
  };
  for (let i = 1; i < kids.length; i++) {
    const k = kids[i];
    if (k.type === "as") {
      flush(kids[i + 1]);
      i++;
    } else if (k.type === ",")
      flush();
    else
      group.push(k);
  }
  flush();
}
function moduleNames(statements, text) {
  const imports = /* @__PURE__ */ new Map();
  const assigned = /* @__PURE__ */ new Map();
  for (const n of statements) {
    if (n.type === "ImportStatement")
      readImport(n, text, imports);
    else if (n.type === "AssignStatement") {
      const kids = named(n);
      const value = kids[kids.length - 1];
      if (!value || kids.length < 2)
        continue;
      for (const target of kids.slice(0, -1)) {
        if (target.type !== "VariableName")
          continue;
        const name = text.slice(target.from, target.to);
        const list = assigned.get(name) ?? [];
        list.push(value);
        assigned.set(name, list);
      }
    }
  }
  return { imports, assigned };
}
function qualifiedName(node, text, names) {
  if (node.type === "VariableName") {
    const name = text.slice(node.from, node.to);
    return names.imports.get(name) ?? name;
  }
  if (node.type === "MemberExpression") {
    const [object, dot, property3] = node.children;
    if (!object || dot?.type !== "." || property3?.type !== "PropertyName")
      return void 0;
    const base = qualifiedName(object, text, names);
    return base === void 0 ? void 0 : `${base}.${text.slice(property3.from, property3.to)}`;
  }
  return void 0;
}
function callArguments(call, text) {
  const out = { positional: [], keywords: /* @__PURE__ */ new Map(), spread: false };
  const list = call.children.find((c) => c.type === "ArgList");
  if (!list)
    return out;
  const kids = list.children.filter((c) => c.type !== "(" && c.type !== ")" && c.type !== ",");
  for (let i = 0; i < kids.length; i++) {
    const k = kids[i];
    if (k.type === "*" || k.type === "**") {
      out.spread = true;
      i++;
    } else if (k.type === "VariableName" && kids[i + 1]?.type === "AssignOp" && kids[i + 2]) {
      out.keywords.set(text.slice(k.from, k.to), { name: k, value: kids[i + 2] });
      i += 2;
    } else if (/^[A-Z]/.test(k.type))
      out.positional.push(k);
  }
  return out;
}
function dictEntries(dict) {
  const out = [];
  const kids = dict.children;
  for (let i = 0; i < kids.length; i++) {
    if (kids[i + 1]?.type === ":" && kids[i + 2]) {
      out.push({ key: kids[i], value: kids[i + 2] });
      i += 2;
    }
  }
  return out;
}

// dist/src/extract/python/strings.js
var SIMPLE_ESCAPES2 = { n: "\n", t: "	", r: "\r", "\\": "\\", "'": "'", '"': '"', "0": "\0", a: "\x07", b: "\b", f: "\f", v: "\v" };
function body(text, node) {
  const raw = text.slice(node.from, node.to);
  const m = /^([rRbBuUfF]{0,2})('''|"""|'|")/.exec(raw);
  if (!m)
    return void 0;
  const quote3 = m[2];
  const start = node.from + m[0].length;
  const end = raw.endsWith(quote3) && raw.length >= m[0].length + quote3.length ? node.to - quote3.length : node.to;
  return { start, end, prefix: m[1].toLowerCase() };
}
function unescape(content) {
  return content.replace(/\\(\r\n|\n|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[^])/g, (_, e) => {
    if (e === "\n" || e === "\r\n")
      return "";
    if (e[0] === "x" || e[0] === "u" && e.length === 5)
      return String.fromCharCode(parseInt(e.slice(1), 16));
    return SIMPLE_ESCAPES2[e] ?? `\\${e}`;
  });
}
function formatText(text, node, start, end) {
  let out = text.slice(start, end);
  for (const child of node.children) {
    if (child.type !== "FormatReplacement")
      continue;
    const s = child.from - start;
    const n = child.to - child.from;
    if (s < 0 || child.to > end)
      continue;
    const replacement = n >= 3 ? "${" + "_".repeat(n - 3) + "}" : "_".repeat(n);
    out = out.slice(0, s) + replacement + out.slice(s + n);
  }
  return out;
}
function stringValue(text, node) {
  if (node.type === "ContinuedString") {
    const parts = node.children.filter((c) => c.type === "String" || c.type === "FormatString").map((c) => stringValue(text, c));
    if (parts.length === 0 || parts.some((p) => p === void 0))
      return void 0;
    if (parts.length === 1)
      return parts[0];
    return { value: parts.map((p) => p.value).join(""), loc: { start: node.from, end: node.to, exact: false } };
  }
  if (node.type !== "String" && node.type !== "FormatString")
    return void 0;
  const b = body(text, node);
  if (!b || b.prefix.includes("b"))
    return void 0;
  const content = b.prefix.includes("f") || node.type === "FormatString" ? formatText(text, node, b.start, b.end) : text.slice(b.start, b.end);
  if (b.prefix.includes("r") || !content.includes("\\"))
    return { value: content, loc: { start: b.start, end: b.end, exact: true } };
  return { value: unescape(content), loc: { start: b.start, end: b.end, exact: false } };
}
var STRING_TYPES = /* @__PURE__ */ new Set(["String", "FormatString", "ContinuedString"]);

// dist/src/extract/python/index.js
var PYTHON_TRIGGERS = ["postgres://", "postgresql://", "postgres+", "postgresql+", "asyncpg", "psycopg", "sqlalchemy", "dj_database_url", "DATABASES", "PGSSL", "ssl", "SSL"];
var PYTHON_TRIGGER_PATTERN = triggerPattern(PYTHON_TRIGGERS);
var TRIGGER2 = new RegExp(PYTHON_TRIGGER_PATTERN);
function hasPythonTriggers(text) {
  return TRIGGER2.test(text);
}
var ASYNCPG = { consumer: "asyncpg", driver: "asyncpg", dsn: { position: 0, keyword: "dsn" } };
var PSYCOPG3 = { consumer: "psycopg", driver: "psycopg", dsn: { position: 0, keyword: "conninfo" } };
var PSYCOPG2 = { consumer: "psycopg", driver: "psycopg", dsn: { position: 0, keyword: "dsn" } };
var SQLALCHEMY = { consumer: "sqlalchemy", dsn: { position: 0, keyword: "url" } };
var CLIENTS = {
  "asyncpg.connect": ASYNCPG,
  "asyncpg.create_pool": ASYNCPG,
  "asyncpg.pool.create_pool": ASYNCPG,
  "asyncpg.connection.connect": ASYNCPG,
  "psycopg.connect": PSYCOPG3,
  "psycopg.Connection.connect": PSYCOPG3,
  "psycopg.AsyncConnection.connect": PSYCOPG3,
  "psycopg_pool.ConnectionPool": PSYCOPG3,
  "psycopg_pool.AsyncConnectionPool": PSYCOPG3,
  "psycopg2.connect": PSYCOPG2,
  // psycopg2.pool.*ConnectionPool(minconn, maxconn, *args, **kwargs): the rest goes to psycopg2.connect.
  "psycopg2.pool.SimpleConnectionPool": { ...PSYCOPG2, dsn: { position: 2, keyword: "dsn" } },
  "psycopg2.pool.ThreadedConnectionPool": { ...PSYCOPG2, dsn: { position: 2, keyword: "dsn" } },
  "sqlalchemy.create_engine": SQLALCHEMY,
  "sqlalchemy.engine.create_engine": SQLALCHEMY,
  "sqlalchemy.ext.asyncio.create_async_engine": SQLALCHEMY,
  "sqlmodel.create_engine": SQLALCHEMY,
  "dj_database_url.config": { consumer: "dj-database-url", driver: "psycopg", dsn: { keyword: "default" }, env: "DATABASE_URL" },
  "dj_database_url.parse": { consumer: "dj-database-url", driver: "psycopg", dsn: { position: 0, keyword: "url" } }
};
var ENV_GETTERS = /* @__PURE__ */ new Set(["os.getenv", "os.environ.get", "decouple.config"]);
var SSL_CONTEXT_FACTORIES = /* @__PURE__ */ new Set(["ssl.create_default_context", "ssl.SSLContext", "ssl._create_unverified_context"]);
var CLIENT_MODULE2 = /^(?:asyncpg|psycopg|psycopg2|psycopg_pool|sqlalchemy|sqlmodel|dj_database_url)(?:\.|$)/;
var DATABASE_URL_NAME2 = /^(?:[a-z0-9]*?(?:database|db|postgres|postgresql|pg|supabase|neon|pooler)(?:url|uri|dsn|connectionstring|connstring|connectionuri)|connectionstring|connstring|dsn|conninfo)$/i;
var PythonAnalysis = class {
  sink;
  names;
  consumed = /* @__PURE__ */ new Set();
  contexts = /* @__PURE__ */ new Map();
  unit;
  all;
  constructor(sink, root) {
    this.sink = sink;
    this.all = [...descendants(root)];
    this.names = moduleNames(this.all, sink.text);
    this.unit = unitOf(sink.file, "source-file", sink.file);
  }
  src(n) {
    return this.sink.text.slice(n.from, n.to);
  }
  qual(n) {
    return qualifiedName(n, this.sink.text, this.names);
  }
  run() {
    this.collectContexts();
    for (const n of this.all)
      if (n.type === "CallExpression")
        this.onCall(n);
    for (const n of this.all)
      if (n.type === "AssignStatement")
        this.onAssign(n);
    this.reportLooseContexts();
    for (const n of this.all)
      if (STRING_TYPES.has(n.type) && n.parent?.type !== "ContinuedString")
        this.onString(n);
  }
  // ---- values ----------------------------------------------------------------------------------
  envRead(n) {
    if (n.type === "CallExpression") {
      const q = this.qual(n.children[0]);
      if (!q || !ENV_GETTERS.has(q))
        return void 0;
      const args = callArguments(n, this.sink.text);
      const first = args.positional[0];
      const name = first && stringValue(this.sink.text, first)?.value;
      if (!name)
        return void 0;
      const fallback = args.positional[1] ?? args.keywords.get("default")?.value;
      return { name, node: n, ...fallback ? { fallback } : {} };
    }
    if (n.type === "MemberExpression" && n.children[1]?.type === "[") {
      const object = n.children[0];
      if (this.qual(object) !== "os.environ")
        return void 0;
      const index = n.children[2];
      const name = index && stringValue(this.sink.text, index)?.value;
      return name ? { name, node: n } : void 0;
    }
    return void 0;
  }
  values(n, depth = 0, via) {
    if (depth > 5)
      return [{ kind: "unknown", node: n }];
    if (STRING_TYPES.has(n.type)) {
      const str = stringValue(this.sink.text, n);
      return str ? [{ kind: "string", node: n, str, ...via ? { via } : {} }] : [{ kind: "unknown", node: n }];
    }
    switch (n.type) {
      case "Boolean":
        return [{ kind: "literal", node: n, value: this.src(n) === "True", ...via ? { via } : {} }];
      case "None":
        return [{ kind: "literal", node: n, value: null }];
      case "Number":
        return [{ kind: "literal", node: n, value: Number(this.src(n)) }];
      case "ParenthesizedExpression":
        return named(n).flatMap((c) => this.values(c, depth + 1, via));
      case "VariableName": {
        const name = this.src(n);
        const assigned = this.names.assigned.get(name);
        if (this.contexts.has(name))
          return [{ kind: "context", name, node: n }];
        return assigned ? assigned.flatMap((v) => this.values(v, depth + 1, name)) : [{ kind: "unknown", node: n }];
      }
      case "BinaryExpression": {
        if (n.children.some((c) => c.type === "or"))
          return named(n).flatMap((c) => this.values(c, depth + 1, via));
        return [{ kind: "unknown", node: n }];
      }
      case "ConditionalExpression": {
        const kids = named(n);
        return kids.length === 3 ? [...this.values(kids[0], depth + 1, via), ...this.values(kids[2], depth + 1, via)] : [{ kind: "unknown", node: n }];
      }
      case "CallExpression": {
        const read2 = this.envRead(n);
        if (read2) {
          const out = [{ kind: "env", read: read2 }];
          if (read2.fallback) {
            for (const v of this.values(read2.fallback, depth + 1, via))
              if (v.kind === "string" || v.kind === "literal")
                out.push({ ...v, whenUnset: read2 });
          }
          return out;
        }
        const q = this.qual(n.children[0]);
        if (q === "str") {
          const [arg] = callArguments(n, this.sink.text).positional;
          return arg ? this.values(arg, depth + 1, via) : [{ kind: "unknown", node: n }];
        }
        if (q && SSL_CONTEXT_FACTORIES.has(q))
          return [{ kind: "context", node: n }];
        return [{ kind: "unknown", node: n }];
      }
      case "MemberExpression": {
        const read2 = this.envRead(n);
        if (read2)
          return [{ kind: "env", read: read2 }];
        const property3 = n.children[2];
        if (n.children[1]?.type === "." && property3?.type === "PropertyName") {
          const assigned = this.names.assigned.get(this.src(property3));
          if (assigned)
            return assigned.flatMap((v) => this.values(v, depth + 1, this.src(property3)));
        }
        return [{ kind: "unknown", node: n }];
      }
      default:
        return [{ kind: "unknown", node: n }];
    }
  }
  // ---- SSL contexts ----------------------------------------------------------------------------
  collectContexts() {
    for (const n of this.all) {
      if (n.type !== "AssignStatement")
        continue;
      const [target, value] = [named(n)[0], named(n).at(-1)];
      if (!target || !value || target === value)
        continue;
      if (target.type === "VariableName" && value.type === "CallExpression") {
        const q = this.qual(value.children[0]);
        if (q && SSL_CONTEXT_FACTORIES.has(q)) {
          const ctx = {};
          if (q === "ssl._create_unverified_context")
            ctx.unverified = { node: value, written: this.src(value) };
          this.contexts.set(this.src(target), ctx);
        }
      }
    }
    for (const n of this.all) {
      if (n.type !== "AssignStatement")
        continue;
      const kids = named(n);
      const [target, value] = [kids[0], kids.at(-1)];
      if (target?.type !== "MemberExpression" || !value || kids.length !== 2)
        continue;
      const [object, , property3] = target.children;
      if (object?.type !== "VariableName" || property3?.type !== "PropertyName")
        continue;
      const ctx = this.contexts.get(this.src(object));
      if (!ctx)
        continue;
      const attribute = this.src(property3);
      if (attribute === "verify_mode" && this.qual(value) === "ssl.CERT_NONE")
        ctx.unverified = { node: n, written: this.src(n) };
      if (attribute === "check_hostname" && value.type === "Boolean" && this.src(value) === "False")
        ctx.noHostname = { node: n, written: this.src(n) };
    }
  }
  /** The options an SSL context value gives: verification switched off, or the host name check. */
  contextOptions(v) {
    const ctx = v.name ? this.contexts.get(v.name) : v.node.type === "CallExpression" && this.qual(v.node.children[0]) === "ssl._create_unverified_context" ? { unverified: { node: v.node, written: this.src(v.node) } } : void 0;
    if (!ctx)
      return {};
    ctx.used = true;
    const out = {};
    if (ctx.unverified)
      out.verify_mode = this.option(ctx.unverified.node, ctx.unverified.node, "CERT_NONE", ctx.unverified.written);
    else if (ctx.noHostname)
      out.check_hostname = this.option(ctx.noHostname.node, ctx.noHostname.node, false, ctx.noHostname.written);
    return out;
  }
  /** Contexts that turn verification off but reach no call sslguard knows: a warning, where the file uses a Postgres client. */
  reportLooseContexts() {
    if (this.sink.testCode || ![...this.names.imports.values()].some((m) => CLIENT_MODULE2.test(m)))
      return;
    for (const ctx of this.contexts.values()) {
      if (ctx.used)
        continue;
      const options = {};
      if (ctx.unverified)
        options.verify_mode = this.option(ctx.unverified.node, ctx.unverified.node, "CERT_NONE", ctx.unverified.written);
      else if (ctx.noHostname)
        options.check_hostname = this.option(ctx.noHostname.node, ctx.noHostname.node, false, ctx.noHostname.written);
      else
        continue;
      const at = (ctx.unverified ?? ctx.noHostname).node;
      this.push({ node: at, options, driver: "python:ssl" });
    }
  }
  // ---- calls -----------------------------------------------------------------------------------
  option(whole, value, literal, written) {
    return {
      value: literal,
      span: this.sink.span(whole.from, whole.to),
      valueSpan: this.sink.span(value.from, value.to),
      ...written !== void 0 ? { written } : {}
    };
  }
  /**
   * The TLS option a keyword argument gives (`ssl='require'`, `sslmode=PGSSLMODE`): its literal,
   * the default of the environment variable it reads (at the default, the line to change), an SSL
   * context's options, or unknown.
   */
  keywordOption(key, kw, into, whole) {
    const vals = this.values(kw.value);
    const span = whole ?? { from: kw.name.from, to: kw.value.to };
    const at = { ...span, type: "span", children: [] };
    const written = this.src(at);
    const known = vals.filter((v) => v.kind === "literal" || v.kind === "string");
    const contexts = vals.filter((v) => v.kind === "context");
    if (contexts.length > 0) {
      into[key] = this.option(at, kw.value, { unknown: true }, written);
      for (const c of contexts)
        Object.assign(into, this.contextOptions(c));
      return;
    }
    if (vals.length === 1 && known.length === 1) {
      const v = known[0];
      const value = v.kind === "string" ? v.str.value : v.value;
      into[key] = this.option(at, kw.value, value, written);
      return;
    }
    const unset = known.find((v) => v.whenUnset);
    if (unset && unset.whenUnset && vals.filter((v) => v.kind !== "env").length === 1) {
      const value = unset.kind === "string" ? unset.str.value : unset.value;
      into[key] = { ...this.option(unset.node, unset.node, value, this.src(unset.whenUnset.node)), whenUnset: unset.whenUnset.name };
      return;
    }
    into[key] = this.option(at, kw.value, { unknown: true }, written);
  }
  push(f) {
    const fact3 = {
      kind: "tls-options",
      file: this.sink.file,
      format: this.sink.format,
      span: this.sink.span(f.node.from, f.node.to),
      environment: this.sink.fileEnvironment,
      unit: this.unit,
      options: f.options,
      driver: f.driver,
      ...f.sink ? { sink: f.sink } : {},
      ...f.receiverAt !== void 0 ? { receiverAt: f.receiverAt } : {},
      ...f.overridesUrl ? { overridesUrl: true } : {}
    };
    this.sink.facts.push(fact3);
    return fact3;
  }
  onCall(call) {
    const callee = call.children[0];
    const q = callee && this.qual(callee);
    const api = q ? CLIENTS[q] : void 0;
    if (q && (q === "os.environ.setdefault" || q === "os.putenv"))
      return this.onEnvSet(call);
    if (!api || !q)
      return;
    const args = callArguments(call, this.sink.text);
    const options = {};
    let driver = api.driver;
    const kw = args.keywords;
    if (api.consumer === "asyncpg") {
      const ssl = kw.get("ssl");
      if (ssl)
        this.keywordOption("ssl", ssl, options);
      this.serverSettings(kw.get("server_settings"), options);
    } else if (api.consumer === "psycopg") {
      for (const key of ["sslmode", "sslrootcert"]) {
        const k = kw.get(key);
        if (k)
          this.keywordOption(key, k, options);
      }
      const extra = kw.get("kwargs")?.value;
      if (extra?.type === "DictionaryExpression")
        this.dictOptions(extra, ["sslmode", "sslrootcert"], options);
    } else if (api.consumer === "sqlalchemy") {
      const connectArgs = kw.get("connect_args")?.value;
      if (connectArgs?.type === "DictionaryExpression") {
        this.dictOptions(connectArgs, ["ssl", "sslmode", "sslrootcert"], options);
        if (options.ssl)
          driver = "asyncpg";
        else if (options.sslmode)
          driver = "psycopg";
        const server = dictEntries(connectArgs).find((e) => stringValue(this.sink.text, e.key)?.value === "server_settings");
        if (server)
          this.serverSettings({ name: server.key, value: server.value }, options);
      }
    } else if (api.consumer === "dj-database-url") {
      const require16 = kw.get("ssl_require");
      if (require16) {
        const vals = this.values(require16.value);
        if (vals.length === 1 && vals[0].kind === "literal" && vals[0].value === true) {
          options.sslmode = this.option({ from: require16.name.from, to: require16.value.to }, require16.value, "require", this.src({ from: require16.name.from, to: require16.value.to }));
        } else if (!(vals.length === 1 && vals[0].kind === "literal")) {
          options.sslmode = this.option({ from: require16.name.from, to: require16.value.to }, require16.value, { unknown: true });
        }
      }
    }
    const host = kw.get("host");
    if (host) {
      const hv = this.values(host.value);
      if (hv.length === 1 && hv[0].kind === "string")
        options.host = this.option({ from: host.name.from, to: host.value.to }, host.value, hv[0].str.value);
    }
    const overrides = Object.keys(options).some((k) => k === "ssl" || k === "sslmode");
    if (Object.keys(options).length > 0)
      this.push({ node: call, options, driver: driver ?? api.consumer, sink: q, receiverAt: call.from, ...overrides ? { overridesUrl: true } : {} });
    this.readDsn(call, api, args, q, overrides);
  }
  readDsn(call, api, args, q, overrides) {
    const dsn = args.keywords.get(api.dsn.keyword)?.value ?? (api.dsn.position !== void 0 ? args.positional[api.dsn.position] : void 0);
    const vals = dsn ? this.values(dsn) : [];
    if (api.env) {
      const env2 = args.keywords.get("env")?.value;
      const name = env2 ? stringValue(this.sink.text, env2)?.value : api.env;
      if (name)
        vals.push({ kind: "env", read: { name, node: call } });
    }
    for (const v of vals) {
      if (v.kind === "string") {
        this.consumed.add(v.node);
        this.emitString(v.str, v.via ?? v.whenUnset?.name, api.consumer, overrides);
      } else if (v.kind === "env") {
        this.sink.use({
          unit: this.unit,
          scope: "code",
          parts: [{ name: v.read.name }],
          valueRange: { start: v.read.node.from, end: v.read.node.to },
          consumer: api.consumer,
          receiverAt: call.from,
          written: `${this.src(v.read.node)} in ${q}()`.replace(/\s+/g, " ")
        });
      }
    }
  }
  emitString(str, variable, consumer, tlsInCode) {
    const before = this.sink.facts.length;
    this.sink.value(str.value, str.loc, { unit: this.unit, ...variable ? { variable } : {}, ...consumer ? { consumer } : {} });
    if (tlsInCode) {
      for (const f of this.sink.facts.slice(before))
        if (f.kind === "connection")
          f.tlsInCode = true;
    }
  }
  /** `server_settings={'ssl_min_protocol_version': 'TLSv1.2'}`: a server parameter, recorded to be said so. */
  serverSettings(kw, into) {
    if (kw?.value.type !== "DictionaryExpression")
      return;
    for (const e of dictEntries(kw.value)) {
      const key = stringValue(this.sink.text, e.key)?.value;
      if (key !== "ssl_min_protocol_version" && key !== "ssl_max_protocol_version")
        continue;
      const v = stringValue(this.sink.text, e.value);
      into[`server_settings.${key}`] = this.option({ from: e.key.from, to: e.value.to }, e.value, v ? v.value : { unknown: true }, this.src({ from: e.key.from, to: e.value.to }));
    }
  }
  dictOptions(dict, keys, into) {
    for (const e of dictEntries(dict)) {
      const key = stringValue(this.sink.text, e.key)?.value;
      if (key && keys.includes(key))
        this.keywordOption(key, { name: e.key, value: e.value }, into, { from: e.key.from, to: e.value.to });
    }
  }
  // ---- assignments -----------------------------------------------------------------------------
  /** `os.environ['PGSSLMODE'] = 'disable'`, and Django's `DATABASES = {…}`. */
  onAssign(n) {
    const kids = named(n);
    if (kids.length !== 2)
      return;
    const [target, value] = kids;
    if (target.type === "MemberExpression" && target.children[1]?.type === "[" && this.qual(target.children[0]) === "os.environ") {
      const index = target.children[2];
      const name = index && stringValue(this.sink.text, index);
      if (name)
        this.envAssignment(name, value);
      return;
    }
    if (target.type === "VariableName" && this.src(target) === "DATABASES" && value.type === "DictionaryExpression")
      this.djangoDatabases(value);
  }
  envAssignment(name, value) {
    const vals = this.values(value);
    const only = vals.length === 1 ? vals[0] : void 0;
    const str = only?.kind === "string" ? only.str : void 0;
    const lit = only?.kind === "literal" ? only.value : void 0;
    if (only?.kind === "string")
      this.consumed.add(only.node);
    const text = str?.value ?? (lit !== void 0 && lit !== null && typeof lit !== "object" ? String(lit) : void 0);
    const loc = str?.loc ?? { start: value.from, end: value.to, exact: false };
    this.sink.assignment(name.value, { start: name.loc.start, end: name.loc.end }, text, loc, { unit: this.unit, processEnv: true });
  }
  /** `os.environ.setdefault('PGSSLMODE', 'disable')`, `os.putenv(…)`. */
  onEnvSet(call) {
    const [key, value] = callArguments(call, this.sink.text).positional;
    const name = key && stringValue(this.sink.text, key);
    if (name && value)
      this.envAssignment(name, value);
  }
  /** Django: each database of `DATABASES` whose ENGINE is PostgreSQL's (or not written as a literal). */
  djangoDatabases(dict) {
    for (const db of dictEntries(dict)) {
      if (db.value.type !== "DictionaryExpression")
        continue;
      const entries = new Map(dictEntries(db.value).map((e) => [stringValue(this.sink.text, e.key)?.value, e]));
      const engine = entries.get("ENGINE");
      const engineName = engine && stringValue(this.sink.text, engine.value)?.value;
      if (engineName !== void 0 && !/postgres|postgis|psycopg/i.test(engineName))
        continue;
      const options = {};
      const opts = entries.get("OPTIONS");
      if (opts?.value.type === "DictionaryExpression")
        this.dictOptions(opts.value, ["sslmode", "sslrootcert"], options);
      const host = entries.get("HOST");
      const hostValue = host && stringValue(this.sink.text, host.value);
      if (hostValue && hostValue.value !== "")
        options.host = this.option({ from: host.key.from, to: host.value.to }, host.value, hostValue.value);
      if (options.sslmode)
        this.push({ node: db.value, options, driver: "psycopg", sink: "django.db.backends.postgresql" });
    }
  }
  // ---- strings ---------------------------------------------------------------------------------
  /** The name a literal is stored under: an assignment target, a keyword argument, a dict key. */
  holder(n) {
    let current = n;
    let parent = current.parent;
    while (parent && (parent.type === "ParenthesizedExpression" || parent.type === "ConditionalExpression" || parent.type === "BinaryExpression" && parent.children.some((c) => c.type === "or"))) {
      current = parent;
      parent = current.parent;
    }
    if (!parent)
      return void 0;
    if (parent.type === "AssignStatement") {
      const kids = named(parent);
      const target = kids[0];
      return kids.at(-1) === current && target?.type === "VariableName" ? this.src(target) : void 0;
    }
    if (parent.type === "ArgList") {
      const i = parent.children.indexOf(current);
      const op = parent.children[i - 1];
      const name = parent.children[i - 2];
      if (op?.type === "AssignOp" && name?.type === "VariableName")
        return this.src(name);
      const call = parent.parent;
      const read2 = call && this.envRead(call);
      return read2 && read2.fallback === current ? read2.name : void 0;
    }
    if (parent.type === "DictionaryExpression") {
      const i = parent.children.indexOf(current);
      const key = parent.children[i - 2];
      return parent.children[i - 1]?.type === ":" && key ? stringValue(this.sink.text, key)?.value : void 0;
    }
    return void 0;
  }
  /**
   * A literal no client call read: a connection only where its name says it is one
   * (`DATABASE_URL = "postgresql://…"`, `'SQLALCHEMY_DATABASE_URI': …`), and never in test code. A
   * URL in an assertion, a mock's return value, a docstring or an error message is data.
   */
  onString(n) {
    if (this.consumed.has(n))
      return;
    const str = stringValue(this.sink.text, n);
    if (!str || findConnectionStrings(str.value).length === 0)
      return;
    if (this.sink.testCode)
      return;
    const variable = this.holder(n);
    if (variable === void 0 || !DATABASE_URL_NAME2.test(variable.replace(/[_-]/g, "")))
      return;
    const consumer = /^postgres(?:ql)?\+/i.test(str.value.trim()) ? "sqlalchemy" : void 0;
    this.emitString(str, variable, consumer, false);
  }
};
var extractPython = (input2) => {
  const sink = new FactSink(input2, "source");
  if (!hasPythonTriggers(input2.text))
    return sink.result();
  const tree = parsePython(input2.text);
  try {
    new PythonAnalysis(sink, tree.root).run();
  } catch (e) {
    sink.diagnostic(`cannot analyse this file: ${e instanceof Error ? e.message : String(e)}`);
  }
  return sink.result();
};

// dist/src/extract/prefilter.js
var PEM_MARKER = "-----BEGIN";
var sourcePattern;
var KEYWORDS = triggerPattern([...SOURCE_TRIGGERS, ...PYTHON_TRIGGERS, PEM_MARKER]);
function pattern() {
  sourcePattern ??= new RegExp(KEYWORDS);
  return sourcePattern;
}
var GREP_PATTERN = `[\\x00\\x80-\\xff]|${KEYWORDS}`;
function isPrefiltered(kinds) {
  return kinds.length === 1 && (kinds[0] === "source" || kinds[0] === "python");
}
function sourceMayHoldFacts(bytes) {
  if (bytes.length >= 2 && (bytes[0] === 255 && bytes[1] === 254 || bytes[0] === 254 && bytes[1] === 255))
    return true;
  const view = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return pattern().test(view.toString("latin1"));
}
function skippedSource(file, bytes) {
  const inspected = inspectBytes(bytes);
  const diagnostics = [];
  if (!inspected.ok)
    diagnostics.push({ file, message: inspected.reason });
  else if (inspected.warning)
    diagnostics.push({ file, message: inspected.warning });
  return { facts: [], diagnostics };
}

// dist/src/extract/references.js
var NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
function referenceParts(value, syntax) {
  const parts = [];
  let text = "";
  let found = false;
  const flush = () => {
    if (text)
      parts.push(text);
    text = "";
  };
  let i = 0;
  while (i < value.length) {
    const ch = value[i];
    if (ch !== "$") {
      text += ch;
      i++;
      continue;
    }
    const next = value[i + 1];
    if (syntax === "k8s") {
      if (next === "$") {
        text += "$";
        i += 2;
        continue;
      }
      const m2 = next === "(" ? /^\(([A-Za-z_][A-Za-z0-9_.-]*)\)/.exec(value.slice(i + 1)) : null;
      if (!m2) {
        text += ch;
        i++;
        continue;
      }
      flush();
      parts.push({ name: m2[1] });
      found = true;
      i += 1 + m2[0].length;
      continue;
    }
    if (next === "$" && syntax === "shell") {
      text += "$";
      i += 2;
      continue;
    }
    if (next === "{") {
      const close = closingBrace(value, i + 2);
      if (close < 0) {
        text += value.slice(i);
        break;
      }
      const body2 = value.slice(i + 2, close);
      const ref = braced(body2, syntax);
      if (ref) {
        flush();
        parts.push(ref);
        found = true;
      } else {
        text += value.slice(i, close + 1);
      }
      i = close + 1;
      continue;
    }
    const m = syntax === "shell" ? NAME.exec(value.slice(i + 1)) : null;
    if (m) {
      flush();
      parts.push({ name: m[0] });
      found = true;
      i += 1 + m[0].length;
      continue;
    }
    text += ch;
    i++;
  }
  flush();
  return found ? parts : void 0;
}
function braced(body2, syntax) {
  if (syntax === "mcp") {
    const m2 = /^(?:env:)?([A-Za-z_][A-Za-z0-9_]*)$/.exec(body2);
    if (!m2 || !body2.startsWith("env:") && CLIENT_VARIABLES.has(m2[1]))
      return void 0;
    return { name: m2[1] };
  }
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+=])([\s\S]*))?$/.exec(body2);
  if (!m)
    return void 0;
  const [, name, colon, op, rest] = m;
  if (op === "-" || op === "=")
    return { name, fallback: { value: rest ?? "", whenEmpty: colon === ":" } };
  if (op === "+")
    return void 0;
  return { name };
}
var CLIENT_VARIABLES = /* @__PURE__ */ new Set([
  "workspaceFolder",
  "workspaceFolderBasename",
  "userHome",
  "pathSeparator",
  "cwd",
  "file",
  "fileDirname",
  "CLAUDE_PROJECT_DIR",
  "CLAUDE_PLUGIN_ROOT"
]);
function closingBrace(value, from) {
  let depth = 1;
  for (let j = from; j < value.length; j++) {
    if (value[j] === "$" && value[j + 1] === "{") {
      depth++;
      j++;
    } else if (value[j] === "}" && --depth === 0)
      return j;
  }
  return -1;
}

// dist/src/extract/env.js
var LINE = /(?:^|^)\s*(export\s+)?([\w.-]+)(\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/dmy;
var isLineTerminator = (c) => c === "\n" || c === "\r" || c === "\u2028" || c === "\u2029";
function* lineMatches(text) {
  const lineStart = (p2) => {
    if (p2 === 0 || isLineTerminator(text[p2 - 1]))
      return p2;
    while (p2 < text.length && !isLineTerminator(text[p2]))
      p2++;
    return p2 + 1;
  };
  let p = 0;
  while (p < text.length) {
    LINE.lastIndex = p;
    const m = LINE.exec(text);
    if (m) {
      yield m;
      p = lineStart(m.index + m[0].length);
    } else {
      while (p < text.length && /\s/.test(text[p]))
        p++;
      p = lineStart(p + 1);
    }
  }
}
function stripDotenvQuotes(value) {
  const lastClose = /* @__PURE__ */ new Map();
  for (let e = value.length - 1; e >= 0; e--) {
    const c = value[e];
    if ((c === "'" || c === '"' || c === "`") && !lastClose.has(c) && (e + 1 === value.length || isLineTerminator(value[e + 1])))
      lastClose.set(c, e);
  }
  let out = "";
  let from = 0;
  for (let p = 0; p < value.length; ) {
    const c = value[p];
    const close = lastClose.get(c);
    if (close !== void 0 && close > p && (p === 0 || isLineTerminator(value[p - 1]))) {
      out += value.slice(from, p) + value.slice(p + 1, close);
      p = from = close + 1;
    } else {
      p++;
    }
  }
  return out + value.slice(from);
}
function normalise(text) {
  const collapsed = [];
  const normalised = text.replace(/\r\n?/g, (m, offset) => {
    if (m.length === 2)
      collapsed.push(offset - collapsed.length);
    return "\n";
  });
  const toOriginal = (offset) => {
    let lo = 0;
    let hi = collapsed.length;
    while (lo < hi) {
      const mid = lo + hi >> 1;
      if (collapsed[mid] < offset)
        lo = mid + 1;
      else
        hi = mid;
    }
    return offset + lo;
  };
  return { text: normalised, toOriginal };
}
function parseDotenv(text) {
  const { text: t, toOriginal } = normalise(text);
  const out = [];
  for (const m of lineMatches(t)) {
    const indices = m.indices;
    const [nameStart, nameEnd] = indices[2];
    const sepEnd = indices[3][1];
    const raw = m[4] ?? "";
    const [rawStart] = indices[4] ?? [sepEnd, sepEnd];
    const trimmed = raw.trim();
    const start = rawStart + (raw.length - raw.trimStart().length);
    const end = start + trimmed.length;
    const first = trimmed[0];
    let value = stripDotenvQuotes(trimmed);
    if (first === '"')
      value = value.replace(/\\n/g, "\n").replace(/\\r/g, "\r");
    const quote3 = (first === '"' || first === "'" || first === "`") && trimmed.length >= 2 && trimmed.endsWith(first) ? first : void 0;
    out.push({
      name: m[2],
      nameRange: { start: toOriginal(nameStart), end: toOriginal(nameEnd) },
      value,
      valueRange: { start: toOriginal(start), end: toOriginal(end) },
      ...quote3 ? { quote: quote3 } : {},
      exported: m[1] !== void 0
    });
  }
  return out;
}
var REFERENCE = /(?<!\\)\$\{([^{}]+)\}|(?<!\\)\$([A-Za-z_][A-Za-z0-9_]*)/g;
var OPERATOR2 = /:\+|\+|:-|-/;
function expandDotenv(value, defined, budget) {
  let current = value;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const next = expandOnce(current, defined, budget);
    if (next === void 0)
      return value;
    if (next === current)
      break;
    current = next;
  }
  return current.replace(/\\\$/g, "$");
}
var MAX_PASSES = 8;
var ExpansionBudget = class {
  limit;
  remaining;
  /** The offset of the first value left unexpanded. */
  exceededAt;
  constructor(fileLength) {
    this.limit = this.remaining = Math.max(2 * fileLength, 32 * 1024);
  }
  /** The diagnostic, once the budget ran out. */
  message() {
    if (this.exceededAt === void 0)
      return void 0;
    return `\${\u2026} references here expand the file's values by more than ${this.limit.toLocaleString("en-US")} characters: this value and the values after it that reference others are judged as written, unexpanded`;
  }
};
function expandOnce(value, defined, budget) {
  let over = false;
  const next = value.replace(REFERENCE, (reference, braced2, bare) => {
    if (over)
      return reference;
    const expression = braced2 ?? bare;
    const op = braced2 !== void 0 ? OPERATOR2.exec(expression) : null;
    const name = op ? expression.slice(0, op.index) : expression;
    const operand = op ? expression.slice(op.index + op[0].length) : "";
    const current = defined.get(name);
    let out;
    if (settingCategory(name) === "password")
      out = reference;
    else if (op && (op[0] === ":-" || op[0] === "-"))
      out = current ? current : operand;
    else if (op)
      out = current === void 0 ? reference : current ? operand : "";
    else
      out = current === void 0 ? reference : current;
    if (budget && out.length > reference.length) {
      budget.remaining -= out.length - reference.length;
      if (budget.remaining < 0) {
        over = true;
        return reference;
      }
    }
    return out;
  });
  return over ? void 0 : next;
}
var extractEnv = (input2) => {
  const sink = new FactSink(input2, "env");
  const unit = unitOf(input2.file, "env-file", input2.file);
  const shell = (input2.file.split("/").pop() ?? "") === ".envrc";
  const defined = /* @__PURE__ */ new Map();
  const budget = new ExpansionBudget(sink.text.length);
  for (const entry of parseDotenv(sink.text)) {
    const value = shell && entry.quote === "'" ? entry.value : expandDotenv(entry.value, defined, budget);
    if (budget.exceededAt === void 0 && budget.remaining < 0) {
      budget.exceededAt = entry.valueRange.start;
      sink.diagnostic(budget.message(), entry.valueRange.start);
    }
    defined.set(entry.name, value);
    const written = locateValue(sink.text, entry.valueRange.start, entry.valueRange.end, entry.value);
    const loc = value === entry.value ? written : { ...written, exact: false };
    sink.assignment(entry.name, entry.nameRange, value, loc, { unit });
    sink.define({ unit, name: entry.name, value, nameRange: entry.nameRange, valueLoc: loc });
    const parts = shell ? void 0 : referenceParts(value, "shell");
    if (parts) {
      sink.use({ unit, scope: "env-layer", parts, as: entry.name, nameRange: entry.nameRange, valueRange: { start: loc.start, end: loc.end }, written: entry.value });
    }
  }
  return sink.result();
};

// dist/src/extract/compose.js
var import_node_path7 = require("node:path");

// dist/src/policy/connection.js
var SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];
function modeRank(mode) {
  return SSL_MODES.indexOf(mode);
}
function isSslMode(value) {
  return SSL_MODES.includes(value);
}
function isWeakMode(mode) {
  return mode === "disable" || mode === "allow" || mode === "prefer";
}
function isProductionOrStaging(env2) {
  return env2.name === "production" || env2.name === "staging";
}
function isOffMachineHost(host, env2) {
  return host.class === "remote" || host.class === "unknown" && isProductionOrStaging(env2);
}
function isOffMachine2(c) {
  return c.hosts.some((h) => isOffMachineHost(h, c.environment));
}
function isAllLocal(c) {
  return c.hosts.every((h) => h.class === "local");
}
function primaryHost(c) {
  return c.hosts.find((h) => isOffMachineHost(h, c.environment)) ?? c.hosts[0];
}
function hostLabel(c) {
  const h = primaryHost(c);
  if (!h || h.host === "")
    return "the default host";
  return h.ip === "v6" ? `[${h.host}]` : h.host;
}
function unitConnections(facts, unit) {
  if (!unit)
    return [];
  return perUnit(connectionsCache, facts, unit.id, () => facts.inUnit(unit.id).filter((f) => f.kind === "connection"));
}
var connectionsCache = /* @__PURE__ */ new WeakMap();
var settingsCache = /* @__PURE__ */ new WeakMap();
var settingConnectionsCache = /* @__PURE__ */ new WeakMap();
function perUnit(cache2, facts, key, compute) {
  let map = cache2.get(facts);
  if (!map)
    cache2.set(facts, map = /* @__PURE__ */ new Map());
  if (map.has(key))
    return map.get(key);
  const value = compute();
  map.set(key, value);
  return value;
}
function effectiveSettings(facts, unit) {
  if (!unit)
    return [];
  return perUnit(settingsCache, facts, unit.id, () => computeEffectiveSettings(facts, unit));
}
function computeEffectiveSettings(facts, unit) {
  const byUnit = /* @__PURE__ */ new Map();
  for (const f of facts.inUnit(unit.id)) {
    if (f.kind !== "setting")
      continue;
    const id = f.unit?.id ?? "";
    let list = byUnit.get(id);
    if (!list)
      byUnit.set(id, list = []);
    list.push(f);
  }
  const seen = /* @__PURE__ */ new Set();
  const out = [];
  for (const list of byUnit.values()) {
    for (const s of [...list].sort((a, b) => b.span.start - a.span.start)) {
      if (seen.has(s.name))
        continue;
      seen.add(s.name);
      out.push(s);
    }
  }
  return out;
}
function settingConnections(facts, s) {
  if (!s.unit)
    return [];
  return perUnit(settingConnectionsCache, facts, s, () => computeSettingConnections(facts, s, s.unit));
}
function computeSettingConnections(facts, s, unit) {
  const own = unitConnections(facts, unit);
  const users = (facts.usersOf?.(unit.id) ?? []).filter((user) => effectiveSettings(facts, user).includes(s));
  if (users.length === 0)
    return own;
  const out = new Set(own);
  for (const user of users)
    for (const c of unitConnections(facts, user))
      out.add(c);
  return [...out];
}
function settingIsAllLocal(facts, s) {
  const conns = settingConnections(facts, s);
  return conns.length > 0 && conns.every(isAllLocal);
}
function unitSettings(facts, unit, category) {
  if (!unit)
    return [];
  return facts.inUnit(unit.id).filter((f) => f.kind === "setting" && f.category === category);
}
function modeOfSslmodeValue(value) {
  if (value === void 0)
    return "unknown";
  const v = value.trim().toLowerCase();
  if (isSslMode(v) || v === "no-verify")
    return v;
  return "unknown";
}
function modeOfSslValue(value) {
  const v = value.trim().toLowerCase();
  if (v === "true" || v === "1" || v === "require")
    return "require";
  if (v === "false" || v === "0")
    return "disable";
  if (v === "no-verify")
    return "no-verify";
  return "unknown";
}
var NODE_POSTGRES_CONSUMERS = /* @__PURE__ */ new Set([
  "node-postgres",
  "knex",
  "mcp:@modelcontextprotocol/server-postgres",
  // The Docker MCP catalog's image of the same server.
  "mcp:docker:mcp/postgres"
]);
function driverOf(c) {
  if (c.scheme === "jdbc:postgresql")
    return "jdbc";
  if (c.consumer && NODE_POSTGRES_CONSUMERS.has(c.consumer))
    return "node-postgres";
  if (c.consumer === "libpq")
    return "libpq";
  return void 0;
}
function modeOfSslParam(value, driver) {
  const mode = modeOfSslValue(value);
  if (mode !== "require" || value.trim().toLowerCase() === "require")
    return { mode };
  if (driver === "node-postgres")
    return { mode: "verify-full", systemCa: true };
  if (driver === "jdbc")
    return { mode: "verify-full" };
  return { mode };
}
function modeOfSslFlag(value) {
  if (value === void 0)
    return { mode: "unknown" };
  const v = value.trim().toLowerCase();
  if (v === "true" || v === "1" || v === "yes" || v === "on")
    return { mode: "verify-full", systemCa: true };
  if (v === "false" || v === "0" || v === "no" || v === "off")
    return { mode: "disable" };
  if (v === "no-verify")
    return { mode: "no-verify" };
  if (v.startsWith("{")) {
    try {
      const options = JSON.parse(value);
      if (options && typeof options === "object" && !Array.isArray(options)) {
        const reject = options["rejectUnauthorized"];
        return reject === false || reject === "false" ? { mode: "no-verify" } : { mode: "verify-full", systemCa: true };
      }
    } catch {
      return { mode: "unknown" };
    }
  }
  return { mode: "unknown" };
}
function isModeSetting(s) {
  return s.category === "sslmode" || s.category === "ssl";
}
function isNestedSslOption(s) {
  return /(^|_)SSL__/i.test(s.name);
}
function switchMode(s) {
  if (s.category === "ssl")
    return modeOfSslFlag(s.value);
  const v = s.value?.trim().toLowerCase();
  if (s.category === "reject-unauthorized" && (v === "false" || v === "0"))
    return { mode: "no-verify" };
  return { mode: "verify-full", systemCa: true };
}
function unitSslmodeSetting(facts, unit) {
  const settings = effectiveSettings(facts, unit);
  const modes = settings.filter((s) => s.category === "sslmode");
  return modes.find((s) => s.name.toUpperCase() === "PGSSLMODE") ?? modes[0] ?? settings.find((s) => s.category === "ssl" || isNestedSslOption(s));
}
function modeOfSetting(s) {
  return s.category === "sslmode" ? modeOfSslmodeValue(s.value) : switchMode(s).mode;
}
function effectiveSslMode(c, facts) {
  if (c.sslmode) {
    return { mode: modeOfSslmodeValue(c.sslmode.value), origin: "sslmode", written: `sslmode=${c.sslmode.value}`, span: c.sslmode.span };
  }
  if (c.ssl) {
    const { mode, systemCa } = modeOfSslParam(c.ssl.value, driverOf(c));
    return { mode, origin: "ssl", written: `ssl=${c.ssl.value}`, span: c.ssl.span, ...systemCa ? { systemCa } : {} };
  }
  if (c.sslrootcert && c.sslrootcert.value.trim().toLowerCase() === "system") {
    return { mode: "verify-full", origin: "sslrootcert", written: "sslrootcert=system", span: c.sslrootcert.span };
  }
  const setting = unitSslmodeSetting(facts, c.unit);
  if (setting) {
    const flag = setting.category === "sslmode" ? void 0 : switchMode(setting);
    return {
      mode: modeOfSetting(setting),
      origin: "setting",
      written: `${setting.name}=${setting.value ?? "\u2026"}`,
      span: setting.valueSpan,
      setting,
      ...flag?.systemCa ? { systemCa: true } : {}
    };
  }
  return void 0;
}
function isFalseLiteral(value) {
  return value === false;
}
function fileTlsOptions(facts, file) {
  return facts.ofKind("tls-options").filter((t) => t.file === file);
}
function setsTls(t) {
  const o = t.options;
  return o.ssl !== void 0 && o.ssl.value !== null && !isFalseLiteral(o.ssl.value) || o.rejectUnauthorized?.value === true || o.ca !== void 0 || t.overridesUrl === true && o.sslmode !== void 0;
}
function codeTlsOptions(facts, fact3) {
  if (fact3.kind === "connection" && fact3.readBy)
    return fact3.readBy.tls;
  return fact3.format === "source" ? fileTlsOptions(facts, fact3.file) : [];
}
function isTlsConfiguredInCode(c, facts) {
  return codeTlsOptions(facts, c).some(setsTls) && !codeDisablesVerification(c);
}
function codeDisablesVerification(c) {
  return (c.readBy?.tls ?? []).some((t) => t.options.rejectUnauthorized?.value === false && !t.options.rejectUnauthorized.onlyWhen || t.options.ssl?.value === "no-verify" || t.options.verify_mode?.value === "CERT_NONE");
}
function hasCaInCode(facts, fact3) {
  return codeTlsOptions(facts, fact3).some((t) => t.options.ca !== void 0);
}
function describeUnit(unit) {
  return describeOwnUnit(unit);
}
function kindAndName(label) {
  const space = label.indexOf(" `");
  if (space < 0 || !label.endsWith("`") || label.length < space + 3 || /[\n\r\u2028\u2029]/.test(label))
    return [label, ""];
  return [label.slice(0, space), label.slice(space + 1)];
}
function describeUnits(units) {
  const byKind = /* @__PURE__ */ new Map();
  for (const u of units) {
    const label = describeOwnUnit(u);
    const [kind, name] = kindAndName(label);
    const list = byKind.get(kind) ?? [];
    if (name && !list.includes(name))
      list.push(name);
    byKind.set(kind, list);
  }
  const parts = [...byKind].map(([kind, names]) => names.length > 1 ? `${kind.replace(/^(compose service|MCP server|container|Dockerfile stage)$/, "$1s")} ${joinAnd(names)}` : `${kind} ${names[0] ?? ""}`.trim());
  return joinAnd(parts);
}
function joinAnd(items) {
  return items.length <= 1 ? items[0] ?? "" : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}
function describeOwnUnit(unit) {
  if (!unit)
    return "this file";
  switch (unit.kind) {
    case "dockerfile-stage":
      return `Dockerfile stage \`${unit.name}\``;
    case "helm-values":
      return "this values file";
    case "yaml-anchor":
      return `YAML anchor \`${unit.name}\``;
    case "env-file":
      return "this env file";
    case "compose-service":
      return `compose service \`${unit.name}\``;
    case "k8s-container":
      return `container \`${unit.name}\``;
    case "k8s-configmap":
      return `ConfigMap \`${unit.name}\``;
    case "k8s-secret":
      return `Secret \`${unit.name}\``;
    case "mcp-server":
      return `MCP server \`${unit.name}\``;
    case "package-script":
      return `package script \`${unit.name}\``;
    case "source-file":
      return "this file";
    case "workflow-job":
      return unit.name === "(workflow)" ? "this workflow" : `workflow job \`${unit.name}\``;
  }
}
function describeEnvironment(env2) {
  return env2.name === "unknown" ? `an unknown environment (${env2.reason})` : `${env2.name} (${env2.reason})`;
}
var HTTPS_CONSUMERS = /* @__PURE__ */ new Set(["neon-http"]);
function isTlsOverHttps(c) {
  return c.consumer !== void 0 && HTTPS_CONSUMERS.has(c.consumer);
}

// dist/src/policy/consumers.js
var require11 = createRequire(__sslguardFileUrl);
var PROTECTIONS = ["plaintext", "optional", "encrypted-unverified", "ca-verified", "full-verified"];
function protectionRank(p) {
  return PROTECTIONS.indexOf(p);
}
var CONSUMERS = ["libpq", "node-postgres", "knex", "postgres.js", "prisma", "deno-postgres", "asyncpg", "sqlalchemy-asyncpg"];
var CONSUMER_NAMES = {
  libpq: "libpq",
  "node-postgres": "node-postgres",
  knex: "knex",
  "postgres.js": "postgres.js",
  prisma: "Prisma",
  "deno-postgres": "deno-postgres",
  asyncpg: "asyncpg",
  "sqlalchemy-asyncpg": "SQLAlchemy asyncpg"
};
var LIBPQ_TOOLS = /* @__PURE__ */ new Set(["psql", "pg_dump", "pg_dumpall", "pg_restore", "pgbench", "pg_isready", "pg_basebackup", "vacuumdb", "reindexdb", "clusterdb"]);
var CONSUMER_OF = {
  libpq: "libpq",
  "node-postgres": "node-postgres",
  sequelize: "node-postgres",
  // MCP servers, only where the client library was read in the server's source:
  // @modelcontextprotocol/server-postgres 0.6.2 dist/index.js: `new pg.Pool({ connectionString })`;
  // the Docker image mcp/postgres is built from the same source.
  "mcp:@modelcontextprotocol/server-postgres": "node-postgres",
  "mcp:docker:mcp/postgres": "node-postgres",
  // @henkey/postgres-mcp-server 1.0.7 build/utils/connection.js: `new Pool({ connectionString, ssl: options.ssl })`.
  "mcp:@henkey/postgres-mcp-server": "node-postgres",
  // crystaldba/postgres-mcp (PyPI postgres-mcp, image crystaldba/postgres-mcp) src/postgres_mcp/sql/sql_driver.py:
  // psycopg_pool.AsyncConnectionPool(conninfo=url), psycopg 3 on libpq. Read from the repository;
  // PyPI is not reachable from here. Servers on asyncpg (its own parser) or on postgres.js with
  // their own TLS options are left unknown on purpose.
  "mcp:postgres-mcp": "libpq",
  "mcp:docker:crystaldba/postgres-mcp": "libpq",
  // An MCP server entry whose command is psql itself.
  ...Object.fromEntries([...LIBPQ_TOOLS].map((tool) => [`mcp:${tool}`, "libpq"])),
  knex: "knex",
  "postgres.js": "postgres.js",
  prisma: "prisma",
  // A schema with `previewFeatures = ["driverAdapters"]`: Prisma's engine until the package root
  // is found to install @prisma/adapter-pg (src/packages/clients.ts), then `prisma:adapter-pg`.
  "prisma:driver-adapters": "prisma",
  // Prisma 7, or 6 with driver adapters: `new PrismaPg({ connectionString })` hands the URL to pg.
  "prisma:adapter-pg": "node-postgres",
  "deno-postgres": "deno-postgres",
  // Python code (src/extract/python/): psycopg 3 and psycopg2 hand the string and their keyword
  // arguments to libpq; dj-database-url fills Django's psycopg OPTIONS from the URL's query.
  asyncpg: "asyncpg",
  psycopg: "libpq",
  "dj-database-url": "libpq"
};
function sqlalchemyConsumer(scheme) {
  const driver = scheme?.split("+")[1]?.toLowerCase();
  if (driver === "asyncpg")
    return "sqlalchemy-asyncpg";
  if (driver === void 0 || driver === "psycopg" || driver === "psycopg2" || driver === "psycopg2cffi" || driver === "psycopg_async")
    return scheme === void 0 ? void 0 : "libpq";
  return void 0;
}
function consumerOf(c) {
  if (c.consumer === "sqlalchemy")
    return sqlalchemyConsumer(c.scheme);
  return c.consumer ? CONSUMER_OF[c.consumer] : void 0;
}
function norm(v) {
  const t = v?.trim().toLowerCase();
  return t === "" ? void 0 : t;
}
var isFile = (rootcert) => rootcert !== void 0 && rootcert !== "system";
function effectiveTls(consumer, input2, context = {}) {
  const i = {};
  for (const [k, v] of Object.entries(input2)) {
    const path10 = k === "sslrootcert" || k === "sslcert" || k === "sslkey";
    const n = path10 ? v?.trim().toLowerCase() === "system" && k === "sslrootcert" ? "system" : v?.trim() || void 0 : norm(v);
    if (n !== void 0)
      i[k] = n;
  }
  switch (consumer) {
    case "libpq":
      return libpq(i);
    case "node-postgres":
      return nodePostgres(i, true, context);
    case "knex":
      return nodePostgres(i, false);
    case "postgres.js":
      return postgresJs(i, context);
    case "prisma":
      return prisma(i);
    case "deno-postgres":
      return deno2(i);
    case "asyncpg":
      return asyncpg(i);
    case "sqlalchemy-asyncpg":
      return sqlalchemyAsyncpg(i);
  }
}
function libpq(i) {
  const rejected = [...i.ssl !== void 0 && i.ssl !== "true" ? ["ssl"] : [], ...i.sslaccept ? ["sslaccept"] : [], ...i.uselibpqcompat ? ["uselibpqcompat"] : []];
  if (rejected.length > 0) {
    const why = rejected.map((k) => k === "ssl" ? `it accepts ssl only as ssl=true, not ssl=${i.ssl}` : `${k} is not a libpq parameter`);
    return { because: `libpq rejects the connection string ("invalid URI query parameter"): ${why.join("; ")}`, rejected, rejectedBy: "client" };
  }
  const fromSsl = i.ssl === "true" ? "require" : void 0;
  const mode = i.sslmode ?? fromSsl ?? (i.sslrootcert === "system" ? "verify-full" : void 0) ?? i.PGSSLMODE;
  const source = i.sslmode ? `sslmode=${i.sslmode}` : fromSsl ? `ssl=${i.ssl}` : i.sslrootcert === "system" ? "sslrootcert=system" : i.PGSSLMODE ? `PGSSLMODE=${i.PGSSLMODE}` : "no sslmode";
  if (i.sslrootcert === "system" && mode !== "verify-full") {
    return { because: `libpq refuses sslmode=${mode ?? "prefer"} with sslrootcert=system (only verify-full is allowed)` };
  }
  return libpqModes("libpq", mode, source, i.sslrootcert, "libpq defaults to sslmode=prefer");
}
function libpqModes(who, mode, source, sslrootcert, defaultBecause) {
  switch (mode ?? "prefer") {
    case "disable":
      return { protection: "plaintext", because: `${who} reads ${source} as no TLS` };
    case "allow":
    case "prefer":
      return { protection: "optional", because: mode ? `${who} reads ${source} as TLS only when the server offers it, unverified` : defaultBecause };
    case "require":
      return isFile(sslrootcert) ? { protection: "ca-verified", because: `${who} checks the chain for ${source} because a root CA file is given` } : { protection: "encrypted-unverified", because: `${who} reads ${source} as encryption without certificate checks` };
    case "verify-ca":
      return { protection: "ca-verified", because: `${who} reads ${source} as a chain check without host name check` };
    case "verify-full":
      return { protection: "full-verified", because: `${who} reads ${source} as full verification` };
    default:
      return { because: `${who} rejects ${source} as an invalid sslmode` };
  }
}
function nodePostgres(i, compatKnown, context = {}) {
  const who = compatKnown ? context.label ?? "node-postgres" : "knex";
  const ignored = [];
  if (i.sslrootcert === "system")
    return { because: `${who} reads sslrootcert=system as a file named "system" and fails to connect`, ignored: ["sslrootcert=system"] };
  if (!compatKnown && i.uselibpqcompat)
    ignored.push(`uselibpqcompat=${i.uselibpqcompat}`);
  const out = (e) => ignored.length ? { ...e, ignored } : e;
  const libpqModes2 = compatKnown && context.libpqModes === true;
  const compat = libpqModes2 || compatKnown && i.uselibpqcompat === "true";
  const how = libpqModes2 ? `${who} (${context.version ?? "pg-connection-string 3"})` : `${who} with uselibpqcompat=true`;
  const anyParam = i.sslmode !== void 0 || i.sslrootcert !== void 0 || i.sslcert !== void 0 || i.sslkey !== void 0;
  if (i.sslmode === "disable")
    return out({ protection: "plaintext", because: `${who} reads sslmode=disable as no TLS` });
  if (i.sslmode && compat) {
    switch (i.sslmode) {
      case "prefer":
        return out({ protection: "encrypted-unverified", because: `${how} reads sslmode=prefer as TLS without certificate checks (it never falls back to plaintext)` });
      case "require":
        return isFile(i.sslrootcert) ? out({ protection: "ca-verified", because: `${how} checks the chain for sslmode=require when sslrootcert is given` }) : out({ protection: "encrypted-unverified", because: `${how} reads sslmode=require as TLS without certificate checks` });
      case "verify-ca":
        return isFile(i.sslrootcert) ? out({ protection: "ca-verified", because: `${how} reads sslmode=verify-ca as a chain check without host name check` }) : out({ because: `${how} refuses sslmode=verify-ca without sslrootcert` });
      default:
        return out({ protection: "full-verified", because: `${how} reads sslmode=${i.sslmode} as full verification` });
    }
  }
  if (i.sslmode === "no-verify")
    return out({ protection: "encrypted-unverified", because: `${who} reads sslmode=no-verify as TLS without certificate checks` });
  if (anyParam) {
    const what = i.sslmode ? `sslmode=${i.sslmode}` : i.sslrootcert ? "sslrootcert" : i.sslcert ? "sslcert" : "sslkey";
    const alias = i.sslmode !== void 0 && i.sslmode !== "verify-full";
    const later = context.version ? ` (${context.version}, with pg-connection-string 2; pg 9 with pg-connection-string 3 gives it libpq's weaker meaning)` : " (today; pg-connection-string announces libpq's weaker meaning for its next major)";
    return out({ protection: "full-verified", because: `${who} reads ${what} as full verification${alias ? later : ""}` });
  }
  if (i.ssl === "true" || i.ssl === "1")
    return out({ protection: "full-verified", because: `${who} reads ssl=${i.ssl} as TLS verified against Node's CAs` });
  if (i.ssl === "0")
    return out({ protection: "plaintext", because: `${who} reads ssl=0 as no TLS` });
  if (i.ssl === "no-verify")
    return out({ protection: "encrypted-unverified", because: `${who} reads ssl=no-verify as TLS without certificate checks` });
  if (i.ssl !== void 0)
    return out({ protection: "full-verified", because: `${who} keeps ssl=${i.ssl} as a string, which pg reads as TLS on, verified` });
  switch (i.PGSSLMODE) {
    case void 0:
      return out({ protection: "plaintext", because: `${who} uses no TLS when neither the URL nor PGSSLMODE asks for it` });
    case "disable":
      return out({ protection: "plaintext", because: `${who} reads PGSSLMODE=disable as no TLS` });
    case "prefer":
    case "require":
    case "verify-ca":
    case "verify-full":
      return out({ protection: "full-verified", because: `${who} reads PGSSLMODE=${i.PGSSLMODE} as full verification` });
    case "no-verify":
      return out({ protection: "encrypted-unverified", because: `${who} reads PGSSLMODE=no-verify as TLS without certificate checks` });
    default:
      return out({ protection: "plaintext", because: `${who} reads PGSSLMODE=${i.PGSSLMODE} as no TLS` });
  }
}
function postgresJs(i, context = {}) {
  const ignored = i.PGSSLMODE ? [`PGSSLMODE=${i.PGSSLMODE}`] : [];
  const out = (e) => ignored.length ? { ...e, ignored } : e;
  const forwarded = ["sslrootcert", "sslcert", "sslkey", "sslaccept", "uselibpqcompat"].filter((k) => i[k] !== void 0);
  if (forwarded.length > 0 && context.dropsUnknownParams)
    ignored.push(...forwarded.map((k) => k === "sslrootcert" && i[k] === "system" ? "sslrootcert=system" : k));
  else if (forwarded.length > 0) {
    return out({
      because: `postgres.js sends ${forwarded.join(", ")} to the server as ${forwarded.length > 1 ? "run-time parameters" : "a run-time parameter"}, and PostgreSQL refuses the connection ("unrecognized configuration parameter")`,
      rejected: [...forwarded],
      rejectedBy: "server"
    });
  }
  const mode = i.sslmode ?? i.ssl;
  const source = i.sslmode ? `sslmode=${i.sslmode}` : i.ssl ? `ssl=${i.ssl}` : void 0;
  if (!mode || mode === "disable" || mode === "false") {
    return out({ protection: "plaintext", because: source ? `postgres.js reads ${source} as no TLS` : "postgres.js uses no TLS unless asked to" });
  }
  if (mode === "prefer")
    return out({ protection: "optional", because: `postgres.js reads ${source} as TLS when the server offers it, unverified` });
  if (mode === "require" || mode === "allow")
    return out({ protection: "encrypted-unverified", because: `postgres.js reads ${source} as TLS without certificate checks` });
  return out({ protection: "full-verified", because: `postgres.js reads ${source} as full verification` });
}
function prisma(i) {
  const ignored = i.PGSSLMODE ? [`PGSSLMODE=${i.PGSSLMODE}`] : void 0;
  const out = (e) => ignored ? { ...e, ignored } : e;
  const written = i.sslmode ? `sslmode=${i.sslmode}` : "no sslmode";
  const mode = i.sslmode === "disable" || i.sslmode === "require" ? i.sslmode : "prefer";
  const as = i.sslmode && i.sslmode !== mode ? ` as prefer` : "";
  const strict = i.sslaccept === "strict";
  if (mode === "disable")
    return out({ protection: "plaintext", because: "Prisma reads sslmode=disable as no TLS" });
  if (mode === "prefer") {
    return out({ protection: "optional", because: i.sslmode ? `Prisma reads ${written}${as}: TLS is optional${strict ? "" : " and the certificate is not checked"}` : "Prisma defaults to sslmode=prefer" });
  }
  return strict ? out({ protection: "full-verified", because: "Prisma reads sslmode=require&sslaccept=strict as full verification" }) : out({ protection: "encrypted-unverified", because: `Prisma reads sslmode=require without sslaccept=strict as TLS without certificate checks (sslaccept defaults to accept_invalid_certs)` });
}
function deno2(i) {
  const ignored = [...i.sslrootcert ? [i.sslrootcert === "system" ? "sslrootcert=system" : "sslrootcert"] : [], ...i.PGSSLMODE ? [`PGSSLMODE=${i.PGSSLMODE}`] : []];
  const out = (e) => ignored.length ? { ...e, ignored } : e;
  const mode = i.ssl === "true" ? "require" : i.sslmode;
  const source = i.ssl === "true" ? "ssl=true" : `sslmode=${i.sslmode}`;
  switch (mode) {
    case void 0:
      return out({ protection: "optional", because: "deno-postgres does not enforce TLS by default (tls.enforce: false): any TLS failure falls back to plaintext" });
    case "disable":
      return out({ protection: "plaintext", because: "deno-postgres reads sslmode=disable as no TLS" });
    case "prefer":
      return out({ protection: "optional", because: "deno-postgres reads sslmode=prefer as TLS not enforced: any TLS failure falls back to plaintext" });
    case "require":
    case "verify-ca":
    case "verify-full":
      return out({ protection: "full-verified", because: `deno-postgres reads ${source} as enforced TLS, verified` });
    default:
      return out({ because: `deno-postgres rejects sslmode=${i.sslmode}` });
  }
}
var ASYNCPG_MODES = /* @__PURE__ */ new Set(["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]);
function asyncpg(i) {
  const forwarded = ["ssl", "sslaccept", "uselibpqcompat"].filter((k) => i[k] !== void 0);
  if (forwarded.length > 0) {
    return {
      because: `asyncpg sends ${forwarded.join(", ")} to the server as ${forwarded.length > 1 ? "run-time parameters" : "a run-time parameter"} (server_settings), and PostgreSQL refuses the connection`,
      rejected: [...forwarded],
      rejectedBy: "server"
    };
  }
  if (i.sslrootcert === "system")
    return { because: 'asyncpg reads sslrootcert=system as a file named "system" and fails to connect', rejected: ["sslrootcert"], rejectedBy: "client" };
  const mode = i.sslmode ?? i.PGSSLMODE;
  const source = i.sslmode ? `sslmode=${i.sslmode}` : i.PGSSLMODE ? `PGSSLMODE=${i.PGSSLMODE}` : "no sslmode";
  return libpqModes("asyncpg", mode, source, i.sslrootcert, "asyncpg defaults to sslmode=prefer (TLS only when the server offers it, unverified)");
}
function sqlalchemyAsyncpg(i) {
  const unknown = ["sslmode", "sslrootcert", "sslcert", "sslkey", "sslaccept", "uselibpqcompat"].filter((k) => i[k] !== void 0);
  if (unknown.length > 0) {
    return {
      because: `SQLAlchemy passes ${unknown.join(", ")} to asyncpg.connect() as keyword ${unknown.length > 1 ? "arguments" : "argument"}, which asyncpg does not accept (TypeError)`,
      rejected: [...unknown],
      rejectedBy: "client"
    };
  }
  if (i.ssl !== void 0 && !ASYNCPG_MODES.has(i.ssl)) {
    return { because: `SQLAlchemy passes ssl='${i.ssl}' to asyncpg as a string, and asyncpg rejects it (not an sslmode)`, rejected: ["ssl"], rejectedBy: "client" };
  }
  const effect = asyncpg({ ...i.ssl !== void 0 ? { sslmode: i.ssl } : {}, ...i.PGSSLMODE !== void 0 ? { PGSSLMODE: i.PGSSLMODE } : {} });
  return { ...effect, because: i.ssl !== void 0 ? effect.because.replace(`sslmode=${i.ssl}`, `ssl=${i.ssl}`) : effect.because };
}
function tlsInputOf(c, pgsslmode) {
  const out = {};
  if (c.sslmode)
    out.sslmode = c.sslmode.value;
  if (c.ssl)
    out.ssl = c.ssl.value;
  if (c.sslrootcert)
    out.sslrootcert = c.sslrootcert.value;
  if (c.sslcert)
    out.sslcert = c.sslcert.value;
  if (c.sslkey)
    out.sslkey = c.sslkey.value;
  if (c.sslaccept)
    out.sslaccept = c.sslaccept.value;
  const compat = c.params["uselibpqcompat"];
  if (compat)
    out.uselibpqcompat = compat.value;
  if (pgsslmode !== void 0)
    out.PGSSLMODE = pgsslmode;
  return out;
}
var TABLE_COLUMNS = CONSUMERS.flatMap((c) => {
  const header = { "node-postgres": "node-postgres (pg 8)", knex: "knex (3.x)", "postgres.js": "postgres.js (3.x)", prisma: "Prisma (\u2264 6, engine)" }[c] ?? CONSUMER_NAMES[c];
  const column = { consumer: c, header };
  return c === "node-postgres" ? [column, { consumer: c, header: "node-postgres (pg 9)", context: { libpqModes: true } }] : [column];
});
var CONSUMER_FIX = {
  libpq: "Use sslmode=verify-full with sslrootcert=<CA file>.",
  "node-postgres": "Use sslmode=verify-full (node-postgres checks against Node's CAs; add sslrootcert=<CA file> for a private CA).",
  knex: "Use sslmode=verify-full (knex's pg checks against Node's CAs; add sslrootcert=<CA file> for a private CA).",
  "postgres.js": "Use sslmode=verify-full; postgres.js ignores sslrootcert paths, so pass a private CA in code: `ssl: { ca: fs.readFileSync('/path/to/ca.crt', 'utf8') }`.",
  prisma: "Use sslmode=require&sslaccept=strict&sslcert=<CA path> (Prisma reads sslcert as the root CA, relative to the schema).",
  "deno-postgres": "Use sslmode=verify-full (deno-postgres then enforces TLS and checks the certificate; pass `tls.caCertificates` for a private CA).",
  asyncpg: "Use sslmode=verify-full with sslrootcert=<CA file> (asyncpg fails without a root certificate), or pass `ssl=ssl.create_default_context(cafile='<CA file>')` in code.",
  "sqlalchemy-asyncpg": "Remove sslmode from the URL and pass TLS through `connect_args`: `connect_args={'ssl': ssl.create_default_context(cafile='<CA file>')}` (or `?ssl=verify-full` with PGSSLROOTCERT=<CA file>)."
};
function clientContext(c) {
  const v = c.client;
  if (!v)
    return {};
  if (c.consumer === "prisma:adapter-pg") {
    return { label: `node-postgres (through @prisma/adapter-pg, Prisma ${v.version ?? "latest"}${v.how === "assumed" ? " assumed" : ""})` };
  }
  if (c.consumer === "postgres.js") {
    const s = v.how === "assumed" || !v.version ? void 0 : require11("semver").coerce(v.version);
    return s && s.compare("3.2.0") < 0 ? { dropsUnknownParams: true, version: `postgres ${v.version}` } : {};
  }
  if (c.consumer !== "node-postgres" || v.how === "assumed")
    return {};
  const major = Number(/^(\d+)/.exec(v.version ?? "")?.[1] ?? NaN);
  const libpqModes2 = v.package === "pg" ? major >= 9 : v.package === "pg-connection-string" ? major >= 3 : false;
  const version = `${v.package} ${v.how === "declared" ? v.range ?? v.version : v.version}`;
  return { ...libpqModes2 ? { libpqModes: libpqModes2 } : {}, version };
}
function unitPgsslmode(facts, c) {
  return effectiveSettings(facts, c.unit).find((s) => s.category === "sslmode" && s.name.toUpperCase() === "PGSSLMODE");
}
function connectionTls(c, facts) {
  const consumer = consumerOf(c);
  if (!consumer)
    return void 0;
  const pg2 = unitPgsslmode(facts, c);
  const input2 = tlsInputOf(c, pg2?.value);
  const context = clientContext(c);
  const effect = effectiveTls(consumer, input2, context);
  const decided = pg2?.value !== void 0 && effectiveTls(consumer, tlsInputOf(c), context).because !== effect.because;
  return { consumer, effect, ...decided ? { setting: pg2 } : {} };
}
function consequenceOf(p) {
  switch (p) {
    case "plaintext":
      return "traffic, password included, crosses the network in plaintext";
    case "optional":
      return "anyone on the path can downgrade the connection to plaintext and read the password";
    case "encrypted-unverified":
      return "anyone on the path can impersonate the server";
    case "ca-verified":
      return "any certificate from that CA passes, whatever host it was issued for";
    default:
      return "the connection is verified";
  }
}
function hasUrlTls(c) {
  return c.sslmode !== void 0 || c.ssl !== void 0 || c.sslrootcert !== void 0 || c.sslaccept !== void 0;
}
function tlsSpan(c) {
  return c.sslmode?.span ?? c.ssl?.span ?? c.sslrootcert?.span ?? c.sslaccept?.span ?? c.span;
}
function settingHarmlessForConsumers(facts, s, min) {
  const conns = settingConnections(facts, s);
  if (conns.length === 0)
    return false;
  return conns.every((c) => {
    const t = connectionTls(c, facts);
    return t !== void 0 && t.effect.protection !== void 0 && protectionRank(t.effect.protection) >= protectionRank(min);
  });
}
function protectionOfLibpqMode(mode) {
  return effectiveTls("libpq", { sslmode: mode }).protection;
}

// dist/src/extract/shell-words.js
var ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
var COMMAND_SEPARATORS = /* @__PURE__ */ new Set(["&&", "||", ";", "|", "&", "(", ")", "\n", "|&"]);
var OPERATOR_CHARS = /* @__PURE__ */ new Set(["&", "|", ";", "(", ")", "<", ">", "\n"]);
var TWO_CHAR_OPERATORS = /* @__PURE__ */ new Set(["&&", "||", "|&", ">>", ">&", "<&", "<<", ";;"]);
var DOUBLE_QUOTE_ESCAPES = /* @__PURE__ */ new Set(["$", "`", '"', "\\", "\n"]);
function shellTokens(command) {
  const tokens = [];
  const n = command.length;
  let i = 0;
  while (i < n) {
    const c = command[i];
    if (c === " " || c === "	" || c === "\r") {
      i++;
      continue;
    }
    if (c === "#") {
      while (i < n && command[i] !== "\n")
        i++;
      continue;
    }
    if (OPERATOR_CHARS.has(c)) {
      const two = command.slice(i, i + 2);
      const op = TWO_CHAR_OPERATORS.has(two) ? two : c;
      tokens.push({ kind: "operator", op, start: i, end: i + op.length });
      i += op.length;
      continue;
    }
    const start = i;
    let value = "";
    const offsets = [];
    const take = (at) => {
      value += command[at];
      offsets.push(at);
    };
    while (i < n) {
      const ch = command[i];
      if (ch === " " || ch === "	" || ch === "\r" || OPERATOR_CHARS.has(ch))
        break;
      if (ch === "\\") {
        if (i + 1 < n && command[i + 1] !== "\n")
          take(i + 1);
        i += 2;
      } else if (ch === "'") {
        i++;
        while (i < n && command[i] !== "'")
          take(i++);
        i++;
      } else if (ch === '"') {
        i++;
        while (i < n && command[i] !== '"') {
          if (command[i] === "\\" && i + 1 < n && DOUBLE_QUOTE_ESCAPES.has(command[i + 1])) {
            if (command[i + 1] !== "\n")
              take(i + 1);
            i += 2;
          } else
            take(i++);
        }
        i++;
      } else
        take(i++);
    }
    tokens.push({ kind: "word", value, offsets, start, end: Math.min(i, n) });
  }
  return tokens;
}
function wordRange(command, word, from, to) {
  const start = from < word.offsets.length ? word.offsets[from] : word.end;
  const end = to > from ? word.offsets[to - 1] + 1 : start;
  return { start, end, exact: command.slice(start, end) === word.value.slice(from, to) };
}

// dist/src/extract/libpq-commands.js
var PREFIXES = /* @__PURE__ */ new Set(["env", "exec", "nohup", "time", "command", "nice", "sudo", "cross-env"]);
var VALUE_FLAGS = /* @__PURE__ */ new Set(["-u", "-g", "--user", "--group", "--unset", "-n", "-C", "--chdir"]);
var USER_PREFIXES = /* @__PURE__ */ new Set(["gosu", "su-exec", "chpst"]);
var RESERVED = /* @__PURE__ */ new Set(["if", "then", "else", "elif", "while", "until", "do", "!", "{"]);
var SHELLS = /* @__PURE__ */ new Set(["sh", "bash", "dash", "ash", "zsh", "ksh", "su"]);
var isScriptFlag = (word) => /^-[a-z]*$/.test(word) && word.includes("c");
var MAX_DEPTH5 = 3;
function programName(word) {
  return (word.split(/[\\/]/).pop() ?? word).replace(/\.(exe|cmd)$/i, "");
}
function isLibpqTool(program) {
  return LIBPQ_TOOLS.has(programName(program));
}
function commandWordIndex(words2) {
  let k = 0;
  for (; ; ) {
    while (k < words2.length && ASSIGNMENT.test(words2[k].value))
      k++;
    const word = words2[k];
    if (!word)
      return k;
    const name = programName(word.value);
    if (RESERVED.has(word.value)) {
      k++;
      continue;
    }
    if (USER_PREFIXES.has(name)) {
      k += 2;
      continue;
    }
    if (!PREFIXES.has(name))
      return k;
    k++;
    while (k < words2.length && words2[k].value.startsWith("-"))
      k += VALUE_FLAGS.has(words2[k].value) ? 2 : 1;
  }
}
function throughWord(word, inner) {
  return inner.map((r) => ({
    start: word.offsets[r.start] ?? word.end,
    end: r.end > r.start ? word.offsets[r.end - 1] + 1 : word.offsets[r.start] ?? word.end
  }));
}
function libpqRanges(command, depth = 0) {
  const tokens = shellTokens(command);
  const out = [];
  let i = 0;
  while (i < tokens.length) {
    let j = i;
    while (j < tokens.length) {
      const t = tokens[j];
      if (t.kind === "operator" && COMMAND_SEPARATORS.has(t.op))
        break;
      j++;
    }
    const words2 = tokens.slice(i, j).filter((t) => t.kind === "word");
    const end = j < tokens.length ? tokens[j].start : command.length;
    const k = commandWordIndex(words2);
    const program = words2[k];
    if (program && isLibpqTool(program.value)) {
      out.push({ start: program.start, end });
    } else if (program && SHELLS.has(programName(program.value)) && depth < MAX_DEPTH5) {
      const flag = words2.findIndex((w, x) => x > k && isScriptFlag(w.value));
      const script = flag > 0 ? words2[flag + 1] : void 0;
      if (script)
        pushAll(out, throughWord(script, libpqRanges(script.value, depth + 1)));
    }
    i = j + 1;
  }
  return out;
}
function execFormRanges(items) {
  const out = items.map(() => []);
  if (items[0] === "CMD-SHELL") {
    if (items[1] !== void 0)
      out[1] = libpqRanges(items[1]);
    return out;
  }
  let k = items[0] === "CMD" ? 1 : 0;
  while (k < items.length && (ASSIGNMENT.test(items[k]) || PREFIXES.has(programName(items[k])) || items[k].startsWith("-")))
    k++;
  const program = items[k];
  if (program === void 0)
    return out;
  if (isLibpqTool(program)) {
    for (let x = k; x < items.length; x++)
      out[x] = [{ start: 0, end: items[x].length }];
  } else if (SHELLS.has(programName(program))) {
    const flag = items.findIndex((a, x) => x > k && isScriptFlag(a));
    if (flag > 0 && items[flag + 1] !== void 0)
      out[flag + 1] = libpqRanges(items[flag + 1]);
  }
  return out;
}
function* quotedStrings(text) {
  let i = text.indexOf('"');
  while (i >= 0) {
    let j = i + 1;
    let closed = false;
    while (j < text.length) {
      const c = text[j];
      if (c === '"') {
        closed = true;
        break;
      }
      if (c === "\\") {
        const next = text[j + 1];
        if (next === void 0 || next === "\n" || next === "\r" || next === "\u2028" || next === "\u2029")
          break;
        j += 2;
      } else {
        j++;
      }
    }
    if (closed)
      yield { start: i + 1, end: j };
    i = text.indexOf('"', j + 1);
  }
}
function jsonStrings(text) {
  if (!text.trimStart().startsWith("["))
    return void 0;
  const out = [];
  for (const m of quotedStrings(text)) {
    let value;
    try {
      value = JSON.parse(text.slice(m.start - 1, m.end + 1));
    } catch {
      return void 0;
    }
    out.push({ value, rawStart: m.start, raw: text.slice(m.start, m.end) });
  }
  return out;
}
function dockerCommandRanges(text) {
  const items = jsonStrings(text);
  if (!items)
    return libpqRanges(text);
  const per = execFormRanges(items.map((x) => x.value));
  const out = [];
  items.forEach((item, x) => {
    for (const r of per[x]) {
      out.push(item.raw === item.value ? { start: item.rawStart + r.start, end: item.rawStart + r.end } : { start: item.rawStart, end: item.rawStart + item.raw.length });
    }
  });
  return out;
}
function dockerHealthcheckRanges(text) {
  const m = /^\s*(?:--\S+\s+)*CMD\s+/i.exec(text);
  if (!m)
    return [];
  return dockerCommandRanges(text.slice(m[0].length)).map((r) => ({ start: r.start + m[0].length, end: r.end + m[0].length }));
}
function commandValue(sink, value, loc, options, ranges) {
  for (const found of findConnectionStrings(value)) {
    const libpq2 = ranges.some((r) => found.start >= r.start && found.start < r.end);
    sink.connection(found.text, loc, found.start, libpq2 ? { ...options, consumer: "libpq" } : options);
  }
}

// dist/src/extract/compose.js
var NAME2 = /^[A-Za-z_][A-Za-z0-9_]*/;
function interpolateCompose(value) {
  let out = "";
  let i = 0;
  while (i < value.length) {
    const dollar = value.indexOf("$", i);
    if (dollar < 0)
      break;
    out += value.slice(i, dollar);
    const next = value[dollar + 1];
    if (next === "$") {
      out += "$";
      i = dollar + 2;
      continue;
    }
    if (next === "{") {
      const close = closingBrace(value, dollar + 2);
      if (close < 0) {
        out += value.slice(dollar);
        return out;
      }
      const inner = value.slice(dollar + 2, close);
      const name = NAME2.exec(inner)?.[0];
      const rest = name ? inner.slice(name.length) : "";
      const fallback = /^:?-/.exec(rest);
      out += fallback ? interpolateCompose(rest.slice(fallback[0].length)) : value.slice(dollar, close + 1);
      i = close + 1;
      continue;
    }
    out += "$";
    i = dollar + 1;
  }
  return out + value.slice(i);
}
function interpolated(raw, loc) {
  const value = interpolateCompose(raw);
  return { value, loc: value === raw ? loc : { ...loc, exact: false } };
}
var extractCompose = (input2) => {
  const sink = new FactSink(input2, "compose");
  for (const doc of parseYaml(sink))
    extractServices(sink, doc);
  return sink.result();
};
function extractServices(sink, doc) {
  const services = doc.entries(doc.get(doc.root, "services"));
  const localNames = serviceNames(doc, services);
  const shared = new SharedBlocks(sink, doc, services);
  for (const service of services) {
    const options = { unit: unitOf(sink.file, "compose-service", service.key), localNames };
    environment(sink, doc, doc.get(service.value, "environment"), options, shared);
    envFiles(sink, doc, doc.get(service.value, "env_file"), options);
    build(sink, doc, service.value, options.unit);
    for (const node of [
      doc.get(service.value, "command"),
      doc.get(service.value, "entrypoint"),
      doc.path(service.value, "healthcheck", "test")
    ]) {
      const values = (doc.isSeq(node) ? doc.items(node) : [node]).map((item) => {
        const s = doc.scalar(item);
        return s && interpolated(s.value, s.loc);
      });
      const ranges = doc.isSeq(node) ? execFormRanges(values.map((v) => v?.value ?? "")) : [libpqRanges(values[0]?.value ?? "")];
      values.forEach((v, x) => {
        if (v)
          commandValue(sink, v.value, v.loc, options, ranges[x] ?? []);
      });
    }
  }
}
function serviceNames(doc, services) {
  const names = /* @__PURE__ */ new Map();
  for (const service of services) {
    const reason = `service \`${service.key}\` of this compose file`;
    const add = (name) => {
      const n = name === void 0 ? "" : interpolateCompose(name).trim();
      if (n && !names.has(n))
        names.set(n, reason);
    };
    add(service.key);
    add(doc.string(doc.get(service.value, "container_name")));
    add(doc.string(doc.get(service.value, "hostname")));
    for (const network of doc.entries(doc.get(service.value, "networks"))) {
      for (const alias of doc.items(doc.get(network.value, "aliases")))
        add(doc.string(alias));
    }
    for (const link2 of doc.items(doc.get(service.value, "links")))
      add(doc.string(link2)?.split(":")[1]);
  }
  return names;
}
var SharedBlocks = class {
  sink;
  doc;
  /** Holder of entries (a map, or a list) → services that use it, and a label for it. */
  users = /* @__PURE__ */ new Map();
  emitted = /* @__PURE__ */ new Set();
  constructor(sink, doc, services) {
    this.sink = sink;
    this.doc = doc;
    for (const service of services) {
      const envEntry = [...doc.entries(service.value)].reverse().find((e) => e.key === "environment");
      if (!envEntry?.value)
        continue;
      const outer = envEntry.merged ? doc.anchor(envEntry.origin) : void 0;
      const holders = doc.isMap(envEntry.value) ? new Set(doc.entries(envEntry.value).map((e) => e.origin)) : /* @__PURE__ */ new Set([envEntry.value]);
      for (const holder of holders) {
        const label = doc.anchor(holder) ?? outer ?? service.key;
        const u = this.users.get(holder) ?? { services: [], label };
        if (!u.services.includes(service.key))
          u.services.push(service.key);
        this.users.set(holder, u);
      }
    }
  }
  /** The unit an entry held by `holder` belongs to, for `service`; undefined when the service has it alone. */
  unitFor(holder, service) {
    const u = this.users.get(holder);
    if (!u || u.services.length < 2)
      return void 0;
    const anchor = unitOf(this.sink.file, "yaml-anchor", `&${u.label}`);
    this.sink.link(service, anchor);
    return anchor;
  }
  /** True the first time an entry (by its key node) is seen: shared entries are emitted once. */
  first(node) {
    if (this.emitted.has(node))
      return false;
    this.emitted.add(node);
    return true;
  }
};
function build(sink, doc, service, unit) {
  const node = doc.get(service, "build");
  const short2 = doc.scalar(node);
  const context = short2 ?? doc.scalar(doc.get(node, "context"));
  const contextPath = context ? interpolateCompose(context.value).trim() : ".";
  if (!doc.isMap(node) && !short2)
    return;
  if (/^[a-z][a-z0-9+.-]*:\/\/|^git@|\.git(#|$)/i.test(contextPath) || import_node_path7.posix.isAbsolute(contextPath))
    return;
  const dockerfile = doc.isMap(node) ? doc.string(doc.get(node, "dockerfile")) : void 0;
  const file = dockerfile ? interpolateCompose(dockerfile).trim() : "Dockerfile";
  if (import_node_path7.posix.isAbsolute(file))
    return;
  const target = doc.isMap(node) ? doc.string(doc.get(node, "target")) : void 0;
  const path10 = import_node_path7.posix.normalize(import_node_path7.posix.join(import_node_path7.posix.dirname(sink.file), contextPath, file));
  const at = context?.loc.start ?? doc.range(node)?.start ?? 0;
  sink.reference({ unit, kind: "dockerfile", path: path10, ...target ? { target: interpolateCompose(target).trim() } : {}, written: `build: ${contextPath}` }, at);
}
function environment(sink, doc, node, serviceOptions, shared) {
  const service = serviceOptions.unit;
  if (doc.isSeq(node)) {
    const anchor = shared.unitFor(node, service);
    if (anchor && !shared.first(node))
      return;
    environmentList(sink, doc, node, anchor ? { ...serviceOptions, unit: anchor } : serviceOptions);
    return;
  }
  if (doc.isMap(node)) {
    for (const entry of doc.entries(node)) {
      const anchor = shared.unitFor(entry.origin, service);
      if (anchor && !shared.first(entry.keyNode))
        continue;
      const options = anchor ? { ...serviceOptions, unit: anchor } : serviceOptions;
      const s = doc.scalar(entry.value);
      if (!s) {
        if (doc.isNull(entry.value)) {
          sink.assignment(entry.key, entry.keyRange, void 0, { start: entry.keyRange.end, end: entry.keyRange.end, exact: true }, options);
        }
        continue;
      }
      const v = interpolated(s.value, s.loc);
      sink.assignment(entry.key, entry.keyRange, v.value, v.loc, options);
      interpolationUse(sink, entry.key, entry.keyRange, s.value, s.loc, options);
    }
  }
}
function interpolationUse(sink, name, nameRange2, raw, loc, options) {
  const parts = referenceParts(raw, "shell");
  if (!parts || !options.unit)
    return;
  sink.use({ unit: options.unit, scope: "compose", parts, as: name, nameRange: nameRange2, valueRange: { start: loc.start, end: loc.end }, ...serviceContext(sink, options, name), written: raw });
}
function serviceContext(sink, options, variable) {
  const environment2 = sink.environmentFor(options, variable);
  return {
    ...environment2.name !== "unknown" ? { environment: environment2 } : {},
    ...options.localNames ? { localNames: Object.fromEntries(options.localNames) } : {}
  };
}
function envFiles(sink, doc, node, options) {
  for (const item of doc.isSeq(node) ? doc.items(node) : [node]) {
    const short2 = doc.scalar(item);
    const path10 = short2 ?? doc.scalar(doc.get(item, "path"));
    if (!path10 || !options.unit)
      continue;
    const written = interpolateCompose(path10.value).trim();
    if (!written || import_node_path7.posix.isAbsolute(written))
      continue;
    const optional = !short2 && doc.string(doc.get(item, "required")) === "false";
    sink.use({
      unit: options.unit,
      scope: "compose",
      parts: [{ name: "*", from: { kind: "env-file", name: import_node_path7.posix.normalize(import_node_path7.posix.join(import_node_path7.posix.dirname(sink.file), written)), ...optional ? { optional } : {} } }],
      valueRange: { start: path10.loc.start, end: path10.loc.end },
      ...serviceContext(sink, options),
      written: `env_file: ${written}`
    });
  }
}
function environmentList(sink, doc, node, options) {
  for (const item of doc.items(node)) {
    const s = doc.scalar(item);
    if (!s)
      continue;
    const eq = s.value.indexOf("=");
    const name = (eq < 0 ? s.value : s.value.slice(0, eq)).trim();
    if (!name)
      continue;
    const { loc } = s;
    const nameRange2 = loc.exact ? { start: loc.start, end: loc.start + (eq < 0 ? s.value.length : eq) } : { start: loc.start, end: loc.end };
    if (eq < 0) {
      sink.assignment(name, nameRange2, void 0, { start: nameRange2.end, end: nameRange2.end, exact: loc.exact }, options);
      continue;
    }
    const raw = s.value.slice(eq + 1);
    const valueLoc = loc.exact ? { start: loc.start + eq + 1, end: loc.end, exact: true } : loc;
    const v = interpolated(raw, valueLoc);
    sink.assignment(name, nameRange2, v.value, v.loc, options);
    interpolationUse(sink, name, nameRange2, raw, valueLoc, options);
  }
}

// dist/src/extract/kubernetes.js
var POD_SPEC = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"]
};
var MAX_LIST_DEPTH = 3;
var MANIFEST_KEYS = [/apiVersion['"]?\s*:/, /\bkind['"]?\s*:/];
var extractKubernetes = (input2) => {
  const sink = new FactSink(input2, "kubernetes");
  if (!MANIFEST_KEYS.every((re) => re.test(input2.text)))
    return sink.result();
  for (const doc of parseYaml(sink))
    manifest(sink, doc, doc.root, 0);
  return sink.result();
};
function manifest(sink, doc, node, depth) {
  const kind = doc.string(doc.get(node, "kind"));
  if (!kind || doc.string(doc.get(node, "apiVersion")) === void 0)
    return;
  if (kind === "List" || kind.endsWith("List")) {
    if (depth < MAX_LIST_DEPTH)
      for (const item of doc.items(doc.get(node, "items")))
        manifest(sink, doc, item, depth + 1);
    return;
  }
  const metadata = doc.get(node, "metadata");
  const name = doc.string(doc.get(metadata, "name")) ?? doc.string(doc.get(metadata, "generateName")) ?? "(unnamed)";
  const namespace = doc.string(doc.get(metadata, "namespace"));
  const environment2 = namespace ? environmentOfNamespace(namespace) : void 0;
  const podSpec = POD_SPEC[kind];
  if (podSpec)
    workload(sink, doc, kind, name, doc.path(node, ...podSpec), environment2, namespace);
  else if (kind === "ConfigMap")
    configMap(sink, doc, node, name, environment2, namespace);
  else if (kind === "Secret")
    secret(sink, doc, node, name, environment2, namespace);
}
function withEnvironment(options, environment2) {
  return environment2 ? { ...options, environment: environment2 } : options;
}
function workload(sink, doc, kind, name, spec, environment2, namespace) {
  const containers = [...doc.items(doc.get(spec, "initContainers")), ...doc.items(doc.get(spec, "containers"))];
  containers.forEach((container, index) => {
    const containerName = doc.string(doc.get(container, "name")) ?? `#${index + 1}`;
    const options = withEnvironment({ unit: unitOf(sink.file, "k8s-container", `${kind}/${name}/${containerName}`) }, environment2);
    const useEnvironment = environment2 ?? (sink.fileEnvironment.name !== "unknown" ? sink.fileEnvironment : void 0);
    const use = (parts, valueRange, written, as) => sink.use({
      unit: options.unit,
      scope: "k8s",
      parts,
      ...as ? { as: as.name, nameRange: as.range } : {},
      valueRange,
      ...useEnvironment ? { environment: useEnvironment } : {},
      written
    });
    const defined = /* @__PURE__ */ new Map();
    for (const from of doc.items(doc.get(container, "envFrom"))) {
      const prefix = doc.string(doc.get(from, "prefix"));
      for (const [key, refKind] of [["secretRef", "k8s-secret"], ["configMapRef", "k8s-configmap"]]) {
        const target = doc.string(doc.path(from, key, "name"));
        const range = doc.range(from);
        if (!target || !range)
          continue;
        use([{ name: "*", from: { kind: refKind, name: target, ...namespace ? { namespace } : {}, ...prefix ? { prefix } : {} } }], range, `envFrom ${key} ${target}`);
      }
    }
    for (const env2 of doc.items(doc.get(container, "env"))) {
      const key = doc.scalar(doc.get(env2, "name"));
      if (!key)
        continue;
      const value = doc.scalar(doc.get(env2, "value"));
      if (value) {
        const expanded = expandDependent(value.value, defined);
        const loc = expanded.value === value.value ? value.loc : { ...value.loc, exact: false };
        defined.set(key.value, expanded.value);
        sink.assignment(key.value, key.loc, expanded.value, loc, options);
        if (expanded.parts)
          use(expanded.parts, { start: value.loc.start, end: value.loc.end }, value.value, { name: key.value, range: key.loc });
        continue;
      }
      const valueFrom = doc.get(env2, "valueFrom");
      for (const [field, refKind] of [["secretKeyRef", "k8s-secret"], ["configMapKeyRef", "k8s-configmap"]]) {
        const ref = doc.get(valueFrom, field);
        const target = doc.string(doc.get(ref, "name"));
        const refKey = doc.string(doc.get(ref, "key"));
        const range = doc.range(valueFrom);
        if (!target || !refKey || !range)
          continue;
        const part = { name: refKey, from: { kind: refKind, name: target, ...namespace ? { namespace } : {} } };
        defined.set(key.value, part);
        use([part], range, `${field} ${target}/${refKey}`, { name: key.value, range: key.loc });
      }
    }
    for (const field of ["command", "args"]) {
      for (const item of doc.items(doc.get(container, field))) {
        const s = doc.scalar(item);
        if (!s)
          continue;
        const expanded = expandDependent(s.value, defined);
        sink.value(expanded.value, expanded.value === s.value ? s.loc : { ...s.loc, exact: false }, options);
        if (expanded.parts)
          use(expanded.parts, { start: s.loc.start, end: s.loc.end }, s.value);
      }
    }
  });
}
function expandDependent(value, defined) {
  const raw = referenceParts(value, "k8s");
  if (!raw)
    return { value };
  let text = "";
  let unresolved = false;
  const parts = [];
  for (const p of raw) {
    const v = typeof p === "string" ? p : defined.get(p.name) ?? `$(${p.name})`;
    if (typeof v === "string") {
      text += v;
      if (typeof parts.at(-1) === "string")
        parts[parts.length - 1] += v;
      else
        parts.push(v);
    } else {
      text += `$(${p.name})`;
      parts.push(v);
      unresolved = true;
    }
  }
  return unresolved ? { value: text, parts } : { value: text };
}
function configMap(sink, doc, node, name, environment2, namespace) {
  const options = withEnvironment({ unit: unitOf(sink.file, "k8s-configmap", name) }, environment2);
  for (const entry of doc.entries(doc.get(node, "data"))) {
    const s = doc.scalar(entry.value);
    if (!s)
      continue;
    sink.assignment(entry.key, entry.keyRange, s.value, s.loc, options);
    define(sink, options, entry.key, entry.keyRange, s.value, s.loc, namespace);
  }
}
function define(sink, options, name, nameRange2, value, loc, namespace) {
  sink.define({ unit: options.unit, name, value, nameRange: nameRange2, valueLoc: loc, ...namespace ? { namespace } : {} });
}
var BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
var utf83 = new TextDecoder("utf-8", { fatal: true });
function secret(sink, doc, node, name, environment2, namespace) {
  const options = withEnvironment({ unit: unitOf(sink.file, "k8s-secret", name) }, environment2);
  for (const entry of doc.entries(doc.get(node, "stringData"))) {
    const s = doc.scalar(entry.value);
    if (!s)
      continue;
    sink.assignment(entry.key, entry.keyRange, s.value, s.loc, options);
    define(sink, options, entry.key, entry.keyRange, s.value, s.loc, namespace);
  }
  for (const entry of doc.entries(doc.get(node, "data"))) {
    const s = doc.scalar(entry.value);
    if (!s)
      continue;
    const encoded = s.value.replace(/[\r\n]/g, "");
    if (!BASE64.test(encoded)) {
      sink.diagnostic(`Secret \`${name}\`: \`data.${entry.key}\` is not valid base64, not scanned`, s.loc.start);
      continue;
    }
    let decoded;
    try {
      decoded = utf83.decode(Buffer.from(encoded, "base64"));
    } catch {
      continue;
    }
    const loc = { start: s.loc.start, end: s.loc.end, exact: false };
    sink.assignment(entry.key, entry.keyRange, decoded, loc, options);
    define(sink, options, entry.key, entry.keyRange, decoded, loc, namespace);
  }
}

// dist/src/extract/mcp.js
var import_node_path8 = require("node:path");

// dist/src/extract/unit-environment.js
function environmentOfUnitName(name, what) {
  for (const token of name.split(/[\s.:\-_/]+/)) {
    const env2 = environmentOfWord(token);
    if (env2)
      return { name: env2, reason: `${what} \`${name}\`` };
  }
  return void 0;
}

// dist/src/extract/mcp.js
var MCP_FILE_SUFFIXES = [
  ".mcp.json",
  ".cursor/mcp.json",
  ".vscode/mcp.json",
  "claude_desktop_config.json",
  "cline_mcp_settings.json",
  "mcp_config.json",
  // Windsurf
  ".gemini/settings.json"
];
var SERVER_KEYS = /* @__PURE__ */ new Set(["command", "args", "url", "serverUrl", "httpUrl", "env", "type", "transport", "headers"]);
var URL_KEYS = ["url", "serverUrl", "httpUrl"];
var CONNECTION_FLAGS = /* @__PURE__ */ new Set([
  "--connection-string",
  "--dsn",
  "--database-url",
  "--database-uri",
  "--db-url",
  "--postgres-url",
  "--url"
]);
function isNamedMcpConfig(file) {
  const path10 = file.replace(/\\/g, "/");
  return MCP_FILE_SUFFIXES.some((s) => path10 === s || path10.endsWith("/" + s));
}
function serverMaps(root) {
  const maps = [property(root, "mcpServers"), property(root, "servers"), property(property(root, "mcp"), "servers"), property(root, "mcp.servers")];
  return maps.filter((m) => m?.type === "object");
}
function isServerEntry(node) {
  return properties(node).some((p) => SERVER_KEYS.has(p.key));
}
function servers(root) {
  const out = [];
  for (const map of serverMaps(root)) {
    for (const p of properties(map))
      if (p.value.type === "object" && isServerEntry(p.value))
        out.push({ name: p.key, node: p.value });
  }
  return out;
}
function looksLikeMcpConfig(file, text) {
  if (isNamedMcpConfig(file))
    return true;
  if (!/\.jsonc?$/i.test(file))
    return false;
  if (!text.includes('"mcpServers"') && !text.includes('"servers"') && !text.includes('"mcp.servers"'))
    return false;
  return servers(parseJsoncQuietly(text)).length > 0;
}
var NPM_RUNNER = { packageFlags: ["-p", "--package"], valueFlags: ["--registry", "--cache", "--userconfig", "-c", "--call"] };
var UV_RUNNER = { packageFlags: ["--from"], valueFlags: ["--with", "--python", "-p", "--index-url", "--index", "--extra-index-url"] };
var PIPX_RUNNER = { packageFlags: ["--spec"], valueFlags: ["--python", "--index-url", "--pip-args"] };
var RUNNERS = { npx: NPM_RUNNER, bunx: NPM_RUNNER, pnpx: NPM_RUNNER, uvx: UV_RUNNER };
var SUBCOMMAND_RUNNERS = {
  pnpm: { dlx: NPM_RUNNER },
  yarn: { dlx: NPM_RUNNER },
  npm: { exec: NPM_RUNNER },
  bun: { x: NPM_RUNNER },
  pipx: { run: PIPX_RUNNER }
};
function basename(command) {
  const base = command.split(/[\\/]/).pop() ?? command;
  return base.replace(/\.(cmd|exe|bat)$/i, "");
}
function packageName(spec) {
  const at = spec.indexOf("@", spec.startsWith("@") ? 1 : 0);
  const npm = at > 0 ? spec.slice(0, at) : spec;
  const operator = /\[|==|>=|<=|~=|!=|[<>]/.exec(npm);
  return operator ? npm.slice(0, operator.index) : npm;
}
function runnerPackage(runner, args) {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--")
      continue;
    const eq = a.indexOf("=");
    const flag = a.startsWith("-") && eq > 0 ? a.slice(0, eq) : a;
    if (runner.packageFlags.includes(flag))
      return eq > 0 && flag !== a ? a.slice(eq + 1) : args[i + 1];
    if (a.startsWith("-")) {
      if (runner.valueFlags.includes(a))
        i++;
      continue;
    }
    return a;
  }
  return void 0;
}
function commandWords(command) {
  const space = command.search(/\s/);
  if (space < 0)
    return [command];
  const separator = command.search(/[\\/]/);
  const last = command.slice(Math.max(command.lastIndexOf("/"), command.lastIndexOf("\\")) + 1);
  if (separator >= 0 && separator < space && !/\s/.test(last))
    return [command];
  return command.split(/\s+/);
}
var CONTAINER_RUNTIMES = /* @__PURE__ */ new Set(["docker", "podman"]);
var DOCKER_BOOLEAN_FLAGS = /* @__PURE__ */ new Set([
  "--rm",
  "--init",
  "--privileged",
  "--interactive",
  "--tty",
  "--detach",
  "--publish-all",
  "--read-only",
  "--no-healthcheck",
  "--oom-kill-disable",
  "--sig-proxy",
  "--quiet",
  "--replace"
]);
var DOCKER_SHORT_BOOLEANS = /^-[itdPq]+$/;
function dockerRunImage(args) {
  const run = args.findIndex((a) => !a.startsWith("-"));
  let i = args[run] === "run" ? run + 1 : args[run] === "container" && args[run + 1] === "run" ? run + 2 : -1;
  if (i < 0)
    return void 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (a === "--")
      continue;
    if (!a.startsWith("-"))
      return { image: a, index: i };
    if (a.includes("=") || DOCKER_BOOLEAN_FLAGS.has(a) || DOCKER_SHORT_BOOLEANS.test(a))
      continue;
    if (/^-[a-zA-Z]./.test(a) && !a.startsWith("--"))
      continue;
    i++;
  }
  return void 0;
}
function imageName(image) {
  const noDigest = image.split("@")[0];
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}
function unwrapCmd(base, rest) {
  if (base.toLowerCase() !== "cmd")
    return void 0;
  const at = rest.findIndex((a) => /^\/[ck]$/i.test(a));
  return at >= 0 && at + 1 < rest.length ? rest.slice(at + 1) : void 0;
}
function mcpConsumer(command, args) {
  const words2 = commandWords(command.trim());
  const base = basename(words2[0] ?? "");
  if (!base)
    return void 0;
  const all = [...words2.slice(1), ...args];
  const wrapped = unwrapCmd(base, all);
  if (wrapped)
    return mcpConsumer(wrapped[0], wrapped.slice(1));
  if (CONTAINER_RUNTIMES.has(base.toLowerCase())) {
    const image = dockerRunImage(all);
    return `mcp:${base.toLowerCase() === "podman" ? "docker" : base.toLowerCase()}${image ? `:${imageName(image.image)}` : ""}`;
  }
  let runner = RUNNERS[base.toLowerCase()];
  let rest = all;
  const sub = SUBCOMMAND_RUNNERS[base.toLowerCase()]?.[all[0] ?? ""];
  if (sub) {
    runner = sub;
    rest = all.slice(1);
  }
  const pkg = runner ? runnerPackage(runner, rest) : void 0;
  return `mcp:${pkg ? packageName(pkg) : base}`;
}
var DOCKER_ENV_FLAGS = /* @__PURE__ */ new Set(["-e", "--env"]);
var ENV_ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;
function within(loc, from, to) {
  return loc.exact ? { start: loc.start + from, end: loc.start + to, exact: true } : loc;
}
function projectRoot(file) {
  const dir = import_node_path8.posix.dirname(file);
  return [".cursor", ".vscode", ".gemini", ".claude"].includes(import_node_path8.posix.basename(dir)) ? import_node_path8.posix.dirname(dir) : dir;
}
function envFilePath(configFile, written) {
  const root = projectRoot(configFile);
  const p = written.replace(/^\$\{(workspaceFolder|workspaceRoot)\}[\\/]?/, "").replace(/\\/g, "/");
  if (p !== written.replace(/\\/g, "/"))
    return import_node_path8.posix.normalize(import_node_path8.posix.join(root, p));
  if (import_node_path8.posix.isAbsolute(p) || /^[A-Za-z]:\//.test(p) || p.startsWith("~"))
    return p;
  return import_node_path8.posix.normalize(import_node_path8.posix.join(root, p));
}
function extractArgs(sink, argsNode, options) {
  const items = argsNode.children ?? [];
  for (let i = 0; i < items.length; i++) {
    const node = items[i];
    if (node.type !== "string")
      continue;
    const arg = String(node.value);
    const loc = nodeLocation(sink.text, node, arg);
    const prev = items[i - 1];
    const prevArg = prev?.type === "string" ? String(prev.value) : void 0;
    const eq = arg.indexOf("=");
    if (arg.startsWith("--") && eq > 0) {
      const flag = arg.slice(0, eq);
      if (CONNECTION_FLAGS.has(flag)) {
        sink.value(arg.slice(eq + 1), within(loc, eq + 1, arg.length), { ...options, variable: flag });
        continue;
      }
      if (flag === "--env") {
        emitEnvArg(sink, arg.slice(eq + 1), loc, eq + 1, options);
        continue;
      }
      if (flag === "--env-file") {
        envFile(sink, arg.slice(eq + 1), node.offset, options);
        continue;
      }
    }
    if (prevArg !== void 0 && CONNECTION_FLAGS.has(prevArg)) {
      sink.value(arg, loc, { ...options, variable: prevArg });
    } else if (prevArg !== void 0 && DOCKER_ENV_FLAGS.has(prevArg)) {
      if (ENV_ASSIGNMENT.test(arg))
        emitEnvArg(sink, arg, loc, 0, options);
    } else if (prevArg === "--env-file") {
      envFile(sink, arg, node.offset, options);
    } else if (/^-e[A-Za-z_]/.test(arg) && ENV_ASSIGNMENT.test(arg.slice(2))) {
      emitEnvArg(sink, arg.slice(2), loc, 2, options);
    } else {
      sink.value(arg, loc, options);
    }
  }
}
function envFile(sink, written, offset, options, flag = "--env-file") {
  if (!options.unit || written.trim() === "")
    return;
  const label = flag === "envFile" ? `"envFile": "${written.trim()}"` : `${flag} ${written.trim()}`;
  sink.reference({ unit: options.unit, kind: "env-file", path: envFilePath(sink.file, written.trim()), written: label }, offset);
}
function environmentUse(sink, value, loc, options, as) {
  const parts = referenceParts(value, "mcp");
  if (!parts || !options.unit)
    return;
  sink.use({
    unit: options.unit,
    scope: "mcp",
    parts,
    ...as ? { as: as.name, nameRange: as.range } : {},
    valueRange: { start: loc.start, end: loc.end },
    ...options.environment ? { environment: options.environment } : {},
    ...options.consumer ? { consumer: options.consumer } : {},
    written: value
  });
}
function emitEnvArg(sink, assignment, loc, offset, options) {
  const m = ENV_ASSIGNMENT.exec(assignment);
  if (!m) {
    sink.value(assignment, within(loc, offset, offset + assignment.length), options);
    return;
  }
  const name = m[1];
  const nameLoc = within(loc, offset, offset + name.length);
  const valueLoc = within(loc, offset + name.length + 1, offset + assignment.length);
  sink.assignment(name, nameLoc, assignment.slice(name.length + 1), valueLoc, options);
}
function extractServer(sink, name, server) {
  const text = sink.text;
  const commandNode = property(server, "command");
  const command = commandNode?.type === "string" ? String(commandNode.value) : void 0;
  const argsNode = property(server, "args");
  const args = argsNode?.type === "array" ? (argsNode.children ?? []).filter((n) => n.type === "string").map((n) => String(n.value)) : [];
  const consumer = command !== void 0 ? mcpConsumer(command, args) : void 0;
  const environment2 = environmentOfUnitName(name, "MCP server");
  const options = {
    unit: unitOf(sink.file, "mcp-server", name),
    ...consumer ? { consumer } : {},
    ...environment2 ? { environment: environment2 } : {}
  };
  for (const p of properties(property(server, "env"))) {
    const v = p.value;
    if (v.type !== "string" && v.type !== "number" && v.type !== "boolean")
      continue;
    const value = String(v.value);
    const loc = nodeLocation(text, v, value);
    sink.assignment(p.key, keyRange(text, p.keyNode), value, loc, options);
    environmentUse(sink, value, loc, options, { name: p.key, range: keyRange(text, p.keyNode) });
  }
  const envFileNode = property(server, "envFile");
  if (envFileNode?.type === "string")
    envFile(sink, String(envFileNode.value), envFileNode.offset, options, "envFile");
  if (commandNode && command !== void 0)
    sink.value(command, nodeLocation(text, commandNode, command), options);
  if (argsNode?.type === "array") {
    extractArgs(sink, argsNode, options);
    for (const node of argsNode.children ?? []) {
      if (node.type === "string")
        environmentUse(sink, String(node.value), nodeLocation(text, node, String(node.value)), options);
    }
  }
  for (const key of URL_KEYS) {
    const node = property(server, key);
    if (node?.type !== "string")
      continue;
    const url = String(node.value);
    sink.value(url, nodeLocation(text, node, url), { ...options, variable: key });
  }
  for (const p of properties(property(server, "headers"))) {
    if (p.value.type !== "string")
      continue;
    const value = String(p.value.value);
    sink.value(value, nodeLocation(text, p.value, value), { ...options, variable: p.key });
  }
}
var extractMcp = (input2) => {
  const sink = new FactSink(input2, "mcp");
  const root = parseJsonc(sink);
  for (const { name, node } of servers(root))
    extractServer(sink, name, node);
  return sink.result();
};

// dist/src/extract/package-json.js
var ENV_PREFIXES = /* @__PURE__ */ new Set(["cross-env", "cross-env-shell", "env", "set", "export"]);
function locate(ctx, word, from, to) {
  const inCommand = wordRange(ctx.command, word, from, to);
  const inFile = ctx.map.location(inCommand.start, inCommand.end);
  return inCommand.exact ? inFile : { ...inFile, exact: false };
}
function extractScript(ctx) {
  const tokens = shellTokens(ctx.command);
  let atCommandStart = true;
  let afterPrefix = false;
  let consumer;
  let pending = [];
  const flush = () => {
    for (const word of pending) {
      const eq = word.value.indexOf("=");
      const nameLoc = ctx.map.location(word.start, word.start + eq);
      ctx.sink.assignment(word.value.slice(0, eq), nameLoc, word.value.slice(eq + 1), locate(ctx, word, eq + 1, word.value.length), {
        ...ctx.options,
        ...consumer ? { consumer } : {}
      });
    }
    pending = [];
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind === "operator") {
      if (COMMAND_SEPARATORS.has(token.op)) {
        flush();
        atCommandStart = true;
        afterPrefix = false;
        consumer = void 0;
      }
      continue;
    }
    if (atCommandStart) {
      if (ASSIGNMENT.test(ctx.command.slice(token.start, token.end)) && ASSIGNMENT.test(token.value)) {
        pending.push(token);
        continue;
      }
      const next = tokens[i + 1];
      if (ENV_PREFIXES.has(token.value) || token.value === "npx" && next?.kind === "word" && ENV_PREFIXES.has(next.value)) {
        afterPrefix = true;
        continue;
      }
      if (afterPrefix && token.value.startsWith("-")) {
        if (token.value === "-u" || token.value === "--unset")
          i++;
        continue;
      }
      atCommandStart = false;
      consumer = isLibpqTool(token.value) ? "libpq" : void 0;
      flush();
      continue;
    }
    const options = { ...ctx.options, ...consumer ? { consumer } : {} };
    const eq = token.value.indexOf("=");
    if (token.value.startsWith("-") && eq > 0) {
      ctx.sink.value(token.value.slice(eq + 1), locate(ctx, token, eq + 1, token.value.length), { ...options, variable: token.value.slice(0, eq) });
    } else {
      ctx.sink.value(token.value, locate(ctx, token, 0, token.value.length), options);
    }
  }
  flush();
}
function scriptsAreInert(text) {
  let parsed;
  try {
    parsed = JSON.parse(text.charCodeAt(0) === 65279 ? text.slice(1) : text);
  } catch {
    return false;
  }
  if (typeof parsed !== "object" || parsed === null)
    return false;
  const scripts = parsed.scripts;
  if (scripts === void 0)
    return true;
  if (typeof scripts !== "object" || scripts === null || Array.isArray(scripts))
    return false;
  return Object.values(scripts).every((s) => typeof s !== "string" || !s.includes("=") && !s.includes("://"));
}
var extractPackageJson = (input2) => {
  if (scriptsAreInert(input2.text))
    return { facts: [], diagnostics: [] };
  const sink = new FactSink(input2, "package-json");
  const root = parseJsonc(sink);
  for (const script of properties(property(root, "scripts"))) {
    if (script.value.type !== "string")
      continue;
    const environment2 = environmentOfUnitName(script.key, "script");
    const map = new JsonStringMap(sink.text, script.value);
    extractScript({
      sink,
      command: map.decoded,
      map,
      options: { unit: unitOf(input2.file, "package-script", script.key), ...environment2 ? { environment: environment2 } : {} }
    });
  }
  return sink.result();
};

// dist/src/packages/versions.js
var import_node_path9 = require("node:path");
var require12 = createRequire(__sslguardFileUrl);
var semverLib;
var semver = () => semverLib ??= require12("semver");
var LATEST_MAJOR = {
  pg: "8.x",
  "pg-connection-string": "2.x",
  postgres: "3.x",
  prisma: "7.x",
  "@prisma/client": "7.x",
  knex: "3.x",
  asyncpg: "0.30.x",
  psycopg: "3.x",
  psycopg2: "2.x",
  sqlalchemy: "2.x"
};
var LOCK_KINDS = /* @__PURE__ */ new Set(["package-lock", "pnpm-lock", "yarn-lock"]);
var PY_LOCK_KINDS = /* @__PURE__ */ new Set(["uv-lock", "poetry-lock"]);
function dirOf(file) {
  const d = import_node_path9.posix.dirname(file);
  return d === "" ? "." : d;
}
function* ancestors(dir) {
  let d = dir;
  for (; ; ) {
    yield d;
    if (d === "." || d === "/" || d === "")
      return;
    const parent = import_node_path9.posix.dirname(d);
    if (parent === d)
      return;
    d = parent;
  }
}
function relative2(a, b) {
  if (a === b)
    return ".";
  if (a === ".")
    return b;
  return import_node_path9.posix.relative(a, b) || ".";
}
var VersionIndex = class {
  byDir = /* @__PURE__ */ new Map();
  constructor(manifests) {
    for (const m of manifests) {
      const d = dirOf(m.file);
      let list = this.byDir.get(d);
      if (!list)
        this.byDir.set(d, list = []);
      list.push(m);
    }
  }
  get size() {
    return this.byDir.size;
  }
  at(dir, ecosystem) {
    return (this.byDir.get(dir) ?? []).filter((m) => m.ecosystem === ecosystem);
  }
  /**
   * The version of `name` that code in `file` runs with, or undefined when no manifest above the
   * file names it (the caller then assumes the latest major).
   */
  versionOf(file, name, ecosystem = "npm") {
    return ecosystem === "npm" ? this.npm(file, name) : this.pypi(file, normalisePypiName(name));
  }
  npm(file, name) {
    const dirs = [...ancestors(dirOf(file))];
    const root = dirs.find((d) => this.at(d, "npm").length > 0);
    if (root === void 0)
      return void 0;
    const lockDir = [...ancestors(root)].find((d) => this.at(d, "npm").some((m) => LOCK_KINDS.has(m.kind)));
    let declared;
    for (const d of ancestors(root)) {
      const pj = this.at(d, "npm").find((m) => m.kind === "package-json" && m.declared?.[name] !== void 0);
      if (pj) {
        declared = { range: pj.declared[name], from: pj.file };
        break;
      }
      if (d === lockDir)
        break;
    }
    if (lockDir !== void 0) {
      const lock = this.at(lockDir, "npm").find((m) => LOCK_KINDS.has(m.kind));
      const version = lockedNpm(lock, relative2(lockDir, root), name, declared?.range);
      if (version)
        return { package: name, version, how: "locked", from: lock.file, ...declared ? { range: declared.range } : {} };
    }
    if (declared) {
      const version = minVersion(declared.range);
      return { package: name, ...version ? { version } : {}, how: "declared", from: declared.from, range: declared.range };
    }
    return void 0;
  }
  pypi(file, name) {
    const dirs = [...ancestors(dirOf(file))];
    const root = dirs.find((d) => this.at(d, "pypi").length > 0);
    if (root === void 0)
      return void 0;
    for (const d of ancestors(root)) {
      const lock = this.at(d, "pypi").find((m) => PY_LOCK_KINDS.has(m.kind) && m.importers?.["."]?.[name] !== void 0);
      if (lock)
        return { package: name, version: lock.importers["."][name], how: "locked", from: lock.file };
    }
    for (const d of ancestors(root)) {
      for (const m of this.at(d, "pypi")) {
        const spec = m.declared?.[name];
        if (spec === void 0)
          continue;
        const pin = pinnedVersion(spec);
        return { package: name, ...pin ? { version: pin } : {}, how: pin ? "locked" : "declared", from: m.file, range: spec };
      }
    }
    return void 0;
  }
};
function minVersion(range) {
  const s = semver();
  const r = range.replace(/^npm:(?:@?[^@]+@)?/, "");
  if (!s.validRange(r))
    return void 0;
  return s.minVersion(r)?.version;
}
function lockedNpm(lock, importer, name, range) {
  switch (lock.kind) {
    case "package-lock": {
      const paths = lock.paths ?? {};
      for (const d of ancestors(importer)) {
        const key = d === "." ? `node_modules/${name}` : `${d}/node_modules/${name}`;
        if (paths[key] !== void 0)
          return paths[key];
      }
      return void 0;
    }
    case "pnpm-lock":
      return lock.importers?.[importer]?.[name] ?? (importer === "." ? void 0 : lock.importers?.["."]?.[name]);
    case "yarn-lock": {
      const fromWorkspace = lock.importers?.[importer]?.[name];
      if (fromWorkspace)
        return fromWorkspace;
      if (range) {
        const v = lock.descriptors?.[`${name}@${range.replace(/^npm:/, "")}`];
        if (v)
          return v;
      }
      const all = new Set(Object.entries(lock.descriptors ?? {}).filter(([d]) => d.startsWith(`${name}@`)).map(([, v]) => v));
      return all.size === 1 ? [...all][0] : void 0;
    }
    default:
      return void 0;
  }
}
function majorOf(v) {
  if (!v?.version)
    return void 0;
  const m = /^(\d+)/.exec(v.version);
  return m ? Number(m[1]) : void 0;
}
function assumedLatest(name) {
  const version = LATEST_MAJOR[name];
  return { package: name, ...version ? { version } : {}, how: "assumed" };
}

// dist/src/packages/clients.js
var PRISMA_DRIVER_ADAPTERS_CONSUMER = "prisma:driver-adapters";
var PRISMA_ADAPTER_PG_CONSUMER = "prisma:adapter-pg";
var PRISMA_CONFIG2 = /(?:^|\/)prisma\.config\.[cm]?[jt]s$/;
var PACKAGE_OF = {
  // pg hands the string to its pg-connection-string; pg 9 comes with pg-connection-string 3.
  "node-postgres": ["pg", "pg-connection-string"],
  "postgres.js": ["postgres"],
  prisma: ["@prisma/client", "prisma"],
  [PRISMA_DRIVER_ADAPTERS_CONSUMER]: ["@prisma/client", "prisma"]
};
function readerFile(c) {
  return c.readBy?.file ?? c.file;
}
function clientVersionOf(index, file, consumer) {
  const packages = PACKAGE_OF[consumer];
  if (!packages)
    return void 0;
  for (const p of packages) {
    const v = index.versionOf(file, p);
    if (v)
      return v;
  }
  const assumed = assumedLatest(packages[0]);
  if (PACKAGE_OF[consumer] === PACKAGE_OF["prisma"] && !PRISMA_CONFIG2.test(file)) {
    return { ...assumed, version: "6.x", reason: "a URL in the schema or in PrismaClient options, which Prisma 7 no longer reads" };
  }
  return assumed;
}
function applyClientVersions(facts, index) {
  const out = [];
  const adapterRead = [];
  for (const f of facts) {
    if (f.kind !== "connection" || !f.consumer || !PACKAGE_OF[f.consumer]) {
      out.push(f);
      continue;
    }
    const file = readerFile(f);
    let next = { ...f, client: clientVersionOf(index, file, f.consumer) };
    if (f.consumer === "prisma" || f.consumer === PRISMA_DRIVER_ADAPTERS_CONSUMER) {
      const major = majorOf(next.client);
      const seven = major !== void 0 && major >= 7;
      const adapter = index.versionOf(file, "@prisma/adapter-pg");
      const sixWithAdapter = f.consumer === PRISMA_DRIVER_ADAPTERS_CONSUMER && adapter !== void 0;
      if (seven || sixWithAdapter) {
        next = { ...next, consumer: PRISMA_ADAPTER_PG_CONSUMER, ...next.via ? { via: relabel(next.via, next.client) } : {} };
        adapterRead.push(next);
      }
    }
    out.push(next);
  }
  if (adapterRead.length === 0)
    return out;
  const byCode = new Set(out.filter((f) => f.kind === "connection" && f.consumer === "node-postgres" && f.readBy !== void 0 && f.format !== "prisma").map((f) => originKey(f)));
  const drop = new Set(adapterRead.filter((f) => f.readBy !== void 0 && byCode.has(originKey(f))));
  return drop.size ? out.filter((f) => !(f.kind === "connection" && drop.has(f))) : out;
}
function originKey(c) {
  return `${c.file}\0${c.span.start}\0${c.unit?.id ?? ""}`;
}
function relabel(via, client) {
  const who = `Prisma ${client?.version ?? ""}`.trim();
  return via.map((r) => r.message.startsWith("read by prisma") ? { ...r, message: r.message.replace(/^read by prisma(?::driver-adapters)?/, `read by ${who} through @prisma/adapter-pg (node-postgres)`) } : r);
}

// dist/src/extract/prisma.js
var PRISMA_CONSUMER = "prisma";
function tokenize2(text, sink) {
  const tokens = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n" && text[i] !== "\r")
        i++;
    } else if (c === '"') {
      const start = i++;
      let value = "";
      let closed = false;
      while (i < text.length && text[i] !== "\n") {
        const ch = text[i];
        if (ch === "\\" && i + 1 < text.length) {
          const e = text[i + 1];
          value += e === "n" ? "\n" : e === "t" ? "	" : e === "r" ? "\r" : e;
          i += 2;
          continue;
        }
        i++;
        if (ch === '"') {
          closed = true;
          break;
        }
        value += ch;
      }
      if (!closed) {
        sink.diagnostic("unterminated string in Prisma schema", start);
        continue;
      }
      tokens.push({ kind: "string", text: text.slice(start, i), value, start, end: i });
    } else if (/[A-Za-z0-9_]/.test(c)) {
      const start = i;
      while (i < text.length && /[A-Za-z0-9_.]/.test(text[i]))
        i++;
      tokens.push({ kind: "word", text: text.slice(start, i), value: text.slice(start, i), start, end: i });
    } else {
      tokens.push({ kind: "punct", text: c, value: c, start: i, end: i + 1 });
      i++;
    }
  }
  return tokens;
}
function otherProvider(tokens, from) {
  let depth = 1;
  for (let j = from; j < tokens.length && depth > 0; j++) {
    const t = tokens[j];
    if (t.text === "{")
      depth++;
    else if (t.text === "}")
      depth--;
    else if (depth === 1 && t.text === "provider" && tokens[j + 1]?.text === "=" && tokens[j + 2]?.kind === "string") {
      return !["postgresql", "postgres", "cockroachdb"].includes(tokens[j + 2].value);
    }
  }
  return false;
}
function asksForDriverAdapters(tokens) {
  for (let i = 0; i + 2 < tokens.length; i++) {
    if (tokens[i].text !== "previewFeatures" || tokens[i + 1].text !== "=" || tokens[i + 2].text !== "[")
      continue;
    for (let j = i + 3; j < tokens.length && tokens[j].text !== "]"; j++)
      if (tokens[j].kind === "string" && tokens[j].value === "driverAdapters")
        return true;
  }
  return false;
}
var extractPrisma = (input2) => {
  const sink = new FactSink(input2, "prisma");
  const unit = unitOf(input2.file, "source-file", input2.file);
  const tokens = tokenize2(input2.text, sink);
  const consumer = asksForDriverAdapters(tokens) ? PRISMA_DRIVER_ADAPTERS_CONSUMER : PRISMA_CONSUMER;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].text !== "datasource" || tokens[i + 1]?.kind !== "word" || tokens[i + 2]?.text !== "{")
      continue;
    let j = i + 3;
    let depth = 1;
    const other = otherProvider(tokens, j);
    for (; j < tokens.length && depth > 0; j++) {
      const t = tokens[j];
      if (t.text === "{")
        depth++;
      else if (t.text === "}")
        depth--;
      else if (other)
        continue;
      else if (depth === 1 && t.kind === "word" && tokens[j + 1]?.text === "=" && tokens[j + 2]?.kind === "string") {
        const value = tokens[j + 2];
        sink.value(value.value, locateValue(input2.text, value.start, value.end, value.value), { unit, consumer, variable: t.text });
      } else if (depth === 1 && (t.text === "url" || t.text === "directUrl") && tokens[j + 1]?.text === "=" && tokens[j + 2]?.text === "env" && tokens[j + 3]?.text === "(" && tokens[j + 4]?.kind === "string" && tokens[j + 5]?.text === ")") {
        const call = tokens[j + 2];
        const end = tokens[j + 5].end;
        sink.use({
          unit,
          scope: "code",
          parts: [{ name: tokens[j + 4].value }],
          valueRange: { start: call.start, end },
          consumer,
          written: input2.text.slice(call.start, end)
        });
      }
    }
    if (depth > 0)
      sink.diagnostic("unterminated datasource block in Prisma schema", tokens[i].start);
    i = j - 1;
  }
  return sink.result();
};

// dist/src/extract/certificate.js
var import_node_crypto = require("node:crypto");
var BEGIN = "-----BEGIN CERTIFICATE-----";
var END = "-----END CERTIFICATE-----";
var UNREADABLE = "not a readable certificate";
var CONTAINER_EXTENSIONS = [".p12", ".pfx"];
function isoDate(openssl) {
  const d = new Date(openssl);
  return Number.isNaN(d.getTime()) ? openssl : d.toISOString();
}
function oneLine(dn) {
  return dn.split("\n").filter((part) => part !== "").join(", ");
}
function parseDer(der) {
  if (der.length === 0)
    return void 0;
  try {
    const cert = new import_node_crypto.X509Certificate(der);
    return {
      subject: oneLine(cert.subject),
      issuer: oneLine(cert.issuer),
      notBefore: isoDate(cert.validFrom),
      notAfter: isoDate(cert.validTo)
    };
  } catch {
    return void 0;
  }
}
function pemBodyToDer(body2) {
  const cleaned = body2.replace(/\\[nrt]/g, "").replace(/\\\//g, "/").replace(/\\\r?\n/g, "").replace(/["'`]\s*\+\s*["'`]/g, "").replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(cleaned) || cleaned.length % 4 !== 0)
    return void 0;
  return Buffer.from(cleaned, "base64");
}
function pemBlocks(text) {
  const blocks = [];
  let from = 0;
  for (; ; ) {
    const start = text.indexOf(BEGIN, from);
    if (start < 0)
      break;
    const bodyStart = start + BEGIN.length;
    const endMarker = text.indexOf(END, bodyStart);
    if (endMarker < 0)
      break;
    const nextBegin = text.indexOf(BEGIN, bodyStart);
    if (nextBegin >= 0 && nextBegin < endMarker) {
      from = nextBegin;
      continue;
    }
    const end = endMarker + END.length;
    const body2 = text.slice(bodyStart, endMarker);
    blocks.push({ start, end, der: pemBodyToDer(body2), base64: /^[A-Za-z0-9+/=\s"'`+\\]*$/.test(body2.replace(/\\[nrt]/g, "")) });
    from = end;
  }
  return blocks;
}
function fact2(file, format, span, environment2, cert, inline) {
  return { kind: "certificate", file, format, span, environment: environment2, ...cert, inline };
}
function diagnosticAt(file, message2, source, offset) {
  if (!source || offset === void 0)
    return { file, message: message2 };
  return { file, message: message2, ...source.position(offset) };
}
function extensionOf2(file) {
  const base = file.slice(file.lastIndexOf("/") + 1).toLowerCase();
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot) : "";
}
function certificatesFromBytes(file, bytes, config, scopePath) {
  const result2 = { facts: [], diagnostics: [] };
  if (CONTAINER_EXTENSIONS.includes(extensionOf2(file)))
    return result2;
  const environment2 = environmentOfPath(file, config, scopePath);
  const text = bytes.toString("utf8").replace(/^\uFEFF/, "");
  if (text.includes("-----BEGIN ")) {
    const source = new SourceText(text);
    for (const block of pemBlocks(text)) {
      const cert2 = block.der && parseDer(block.der);
      if (cert2)
        result2.facts.push(fact2(file, "certificate", source.span(block.start, block.end), environment2, cert2, false));
      else
        result2.diagnostics.push(diagnosticAt(file, `${UNREADABLE} (broken PEM block)`, source, block.start));
    }
    return result2;
  }
  const cert = parseDer(bytes);
  if (cert) {
    const span = { start: 0, end: 0, line: 1, column: 1, endLine: 1, endColumn: 1 };
    result2.facts.push(fact2(file, "certificate", span, environment2, cert, false));
  } else {
    result2.diagnostics.push(diagnosticAt(file, `${UNREADABLE} (neither PEM nor DER)`));
  }
  return result2;
}
function inlineFormatOf(file) {
  const base = file.slice(file.lastIndexOf("/") + 1).toLowerCase();
  if (base === ".env" || base.startsWith(".env.") || base.endsWith(".env"))
    return "env";
  const ext = extensionOf2(base);
  if (ext === ".yaml" || ext === ".yml")
    return "yaml";
  if (ext === ".json" || ext === ".jsonc" || ext === ".json5")
    return "json";
  return "source";
}
function inlinePemExtractor(format) {
  return (input2) => {
    const result2 = { facts: [], diagnostics: [] };
    if (input2.text.indexOf(BEGIN) < 0)
      return result2;
    const source = new SourceText(input2.text);
    const environment2 = environmentOfPath(input2.file, input2.config, input2.scopePath);
    const fmt = format ?? inlineFormatOf(input2.file);
    for (const block of pemBlocks(input2.text)) {
      const cert = block.der && parseDer(block.der);
      if (cert)
        result2.facts.push(fact2(input2.file, fmt, source.span(block.start, block.end), environment2, cert, true));
      else if (block.base64)
        result2.diagnostics.push(diagnosticAt(input2.file, `${UNREADABLE} (inline PEM block)`, source, block.start));
    }
    return result2;
  };
}
var extractInlinePem = inlinePemExtractor();

// dist/src/extract/dockerfile.js
var require13 = createRequire(__sslguardFileUrl);
var ast;
function loadAst() {
  ast ??= require13("dockerfile-ast");
  return ast;
}
var GLOBAL_STAGE = "(global)";
function stageUnit(file, name) {
  return unitOf(file, "dockerfile-stage", name);
}
var COMMAND_KEYWORDS = /* @__PURE__ */ new Set(["RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"]);
var extractDockerfile = (input2) => {
  const sink = new FactSink(input2, "dockerfile");
  let dockerfile;
  try {
    dockerfile = loadAst().DockerfileParser.parse(sink.text);
  } catch (error) {
    sink.diagnostic(`cannot parse Dockerfile: ${error.message}`);
    return sink.result();
  }
  const offset = (p) => sink.source.lineStart(p.line + 1) + p.character;
  const stages = /* @__PURE__ */ new Map();
  let current = { unit: stageUnit(input2.file, GLOBAL_STAGE), defined: /* @__PURE__ */ new Map() };
  let index = 0;
  const budget = new ExpansionBudget(sink.text.length);
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword().toUpperCase();
    if (keyword === "FROM") {
      index++;
      const from = instruction;
      const name = from.getBuildStage()?.toLowerCase() ?? `#${index}`;
      const parent = stages.get(from.getImageName()?.toLowerCase() ?? "");
      current = { unit: stageUnit(input2.file, name), defined: new Map(parent?.defined) };
      stages.set(name, current);
      sink.declare(current.unit);
      if (parent)
        sink.link(current.unit, parent.unit);
      continue;
    }
    if (keyword === "ENV" || keyword === "ARG") {
      for (const property3 of instruction.getProperties()) {
        const name = property3.getName();
        const written = property3.getValue();
        const valueRange = property3.getValueRange();
        if (written === null || valueRange === null)
          continue;
        const nameStart = offset(property3.getNameRange().start);
        const start = offset(valueRange.start);
        const end = offset(valueRange.end);
        const raw = sink.text.slice(start, end);
        const value = raw.startsWith("'") ? written : expandDotenv(written, current.defined, budget);
        if (budget.exceededAt === void 0 && budget.remaining < 0) {
          budget.exceededAt = start;
          sink.diagnostic(budget.message(), start);
        }
        current.defined.set(name, value);
        const located = locateValue(sink.text, start, end, written);
        const loc = value === written ? located : { ...located, exact: false };
        sink.assignment(name, { start: nameStart, end: nameStart + name.length }, value, loc, { unit: current.unit });
      }
      continue;
    }
    if (COMMAND_KEYWORDS.has(keyword)) {
      const range = instruction.getArgumentsRange();
      if (!range)
        continue;
      const start = offset(range.start);
      const end = offset(range.end);
      const text = sink.text.slice(start, end);
      const ranges = keyword === "HEALTHCHECK" ? dockerHealthcheckRanges(text) : dockerCommandRanges(text);
      commandValue(sink, text, { start, end, exact: true }, { unit: current.unit }, ranges);
    }
  }
  return sink.result();
};

// dist/src/extract/helm-values.js
var ENV_NAME2 = /^[A-Z][A-Z0-9_]*$/;
var extractHelmValues = (input2) => {
  const sink = new FactSink(input2, "helm-values");
  const options = { unit: unitOf(input2.file, "helm-values", input2.file) };
  for (const doc of parseYaml(sink, { templateStrings: true }))
    new ValuesWalker(sink, doc, options).walk(doc.root, "", "");
  const slash = input2.file.lastIndexOf("/");
  const base = `${input2.file.slice(0, slash + 1)}values.yaml`;
  if (!/(?:^|\/)values\.ya?ml$/i.test(input2.file)) {
    sink.reference({ unit: options.unit, kind: "helm-values", path: base, written: base, optional: true }, 0);
  }
  return sink.result();
};
var ValuesWalker = class {
  sink;
  doc;
  options;
  /** An aliased block is read once, at its anchor: a second path to it would repeat every finding. */
  seen = /* @__PURE__ */ new Set();
  constructor(sink, doc, options) {
    this.sink = sink;
    this.doc = doc;
    this.options = options;
  }
  walk(node, path10, parentKey) {
    if (!node || this.seen.has(node))
      return;
    this.seen.add(node);
    const doc = this.doc;
    if (doc.isMap(node)) {
      for (const entry of doc.entries(node)) {
        const full = path10 ? `${path10}.${entry.key}` : entry.key;
        const value = entry.value;
        if (doc.isMap(value) || doc.isSeq(value)) {
          this.walk(value, full, entry.key);
          continue;
        }
        if (!value || this.seen.has(value))
          continue;
        const s = doc.scalar(value);
        if (!s)
          continue;
        this.seen.add(value);
        const env2 = ENV_NAME2.test(entry.key);
        const category = env2 ? settingCategory(entry.key) : this.category(entry.key, parentKey);
        this.sink.assignment(env2 ? entry.key : full, entry.keyRange, s.value, s.loc, { ...this.options, ...category ? { category } : {} });
      }
      return;
    }
    doc.items(node).forEach((item, i) => {
      const name = doc.scalar(doc.get(item, "name"));
      const value = doc.get(item, "value");
      const s = doc.scalar(value);
      if (name && s && ENV_NAME2.test(name.value) && value && !this.seen.has(value)) {
        this.seen.add(value);
        this.sink.assignment(name.value, name.loc, s.value, s.loc, this.options);
        return;
      }
      if (doc.isMap(item) || doc.isSeq(item)) {
        this.walk(item, `${path10}[${i}]`, parentKey);
        return;
      }
      const scalar = doc.scalar(item);
      if (scalar && !this.seen.has(item)) {
        this.seen.add(item);
        this.sink.value(scalar.value, scalar.loc, { ...this.options, variable: `${path10}[${i}]` });
      }
    });
  }
  category(key, parentKey) {
    if (/^enabled$/i.test(key) && /^ssl$/i.test(parentKey))
      return "ssl";
    return keySettingCategory(key);
  }
};

// dist/src/extract/workflow.js
var extractWorkflow = (input2) => {
  const sink = new FactSink(input2, "workflow");
  for (const doc of parseYaml(sink))
    workflow(sink, doc);
  return sink.result();
};
function workflow(sink, doc) {
  const root = doc.root;
  if (!doc.isMap(root))
    return;
  const top = unitOf(sink.file, "workflow-job", "(workflow)");
  env(sink, doc, doc.get(root, "env"), { unit: top });
  for (const job of doc.entries(doc.get(root, "jobs"))) {
    const unit = unitOf(sink.file, "workflow-job", job.key);
    sink.link(unit, top);
    const localNames = /* @__PURE__ */ new Map();
    for (const service of doc.entries(doc.get(job.value, "services")))
      localNames.set(service.key, `\`${service.key}\`, a service container of job \`${job.key}\``);
    const environment2 = jobEnvironment(doc, job.value, job.key);
    const options = { unit, localNames, ...environment2 ? { environment: environment2 } : {} };
    env(sink, doc, doc.get(job.value, "env"), options);
    for (const service of doc.entries(doc.get(job.value, "services"))) {
      env(sink, doc, doc.get(service.value, "env"), { ...options, unit: unitOf(sink.file, "workflow-job", `${job.key}/services/${service.key}`) });
    }
    for (const step of doc.items(doc.get(job.value, "steps"))) {
      env(sink, doc, doc.get(step, "env"), options);
      const run = doc.scalar(doc.get(step, "run"));
      if (run)
        commandValue(sink, run.value, run.loc, options, libpqRanges(run.value));
    }
  }
}
function jobEnvironment(doc, job, jobName) {
  const node = doc.get(job, "environment");
  const name = doc.scalar(node)?.value ?? doc.scalar(doc.get(node, "name"))?.value;
  if (!name)
    return void 0;
  for (const token of name.split(/[.\-_\s]+/)) {
    const env2 = environmentOfWord(token);
    if (env2)
      return { name: env2, reason: `job \`${jobName}\` deploys to environment \`${name}\`` };
  }
  return void 0;
}
function env(sink, doc, node, options) {
  for (const entry of doc.entries(node)) {
    const s = doc.scalar(entry.value);
    if (s)
      sink.assignment(entry.key, entry.keyRange, s.value, s.loc, options);
  }
}

// dist/src/extract/index.js
function extractorsFor(kinds, file, text) {
  const out = [];
  if (kinds.includes("env"))
    out.push(extractEnv);
  if (kinds.includes("compose"))
    out.push(extractCompose);
  else if (kinds.includes("helm-values"))
    out.push(extractHelmValues);
  else if (kinds.includes("workflow"))
    out.push(extractWorkflow);
  else if (kinds.includes("yaml"))
    out.push(extractKubernetes);
  if (kinds.includes("dockerfile"))
    out.push(extractDockerfile);
  if (kinds.includes("prisma"))
    out.push(extractPrisma);
  if (kinds.includes("package-json"))
    out.push(extractPackageJson);
  else if (kinds.includes("mcp") || kinds.includes("json") && looksLikeMcpConfig(file, text))
    out.push(extractMcp);
  if (kinds.includes("source") && hasSourceTriggers(text))
    out.push(extractSource);
  if (kinds.includes("python"))
    out.push(extractPython);
  return out;
}
function extractFile(source, config) {
  const facts = [];
  const diagnostics = [];
  const related = {};
  const kinds = classifyPath(source.file);
  const guard = (what, fn) => {
    try {
      const r = fn();
      if (r) {
        pushAll(facts, r.facts);
        pushAll(diagnostics, r.diagnostics);
        if (r.links)
          pushAll(related.links ??= [], r.links);
        if (r.references)
          pushAll(related.references ??= [], r.references);
        if (r.units)
          pushAll(related.units ??= [], r.units);
        if (r.uses)
          pushAll(related.uses ??= [], r.uses);
        if (r.definitions)
          pushAll(related.definitions ??= [], r.definitions);
      }
    } catch (error) {
      diagnostics.push({ file: source.file, message: `internal error in the ${what} reader, file skipped: ${error.message}` });
    }
  };
  if (source.text === void 0 && source.bytes && isPrefiltered(kinds) && !sourceMayHoldFacts(source.bytes)) {
    return skippedSource(source.file, source.bytes);
  }
  let text = source.text;
  if (text === void 0 && source.bytes) {
    const isContainer = kinds.includes("certificate") || kinds.includes("private-key");
    const decoded = decodeText(source.bytes);
    if (decoded.ok) {
      text = decoded.text;
      if (decoded.warning)
        diagnostics.push({ file: source.file, message: decoded.warning });
    } else if (!isContainer) {
      diagnostics.push({ file: source.file, message: decoded.reason });
    }
  }
  const head = text?.slice(0, 64 * 1024);
  const ff = fileFact({
    abs: source.file,
    rel: source.file,
    ...source.scopePath !== void 0 ? { scopePath: source.scopePath } : {},
    kinds,
    explicit: true,
    git: source.git ?? { inGit: false },
    size: source.bytes?.length ?? text?.length ?? 0,
    mode: source.mode ?? 0
  }, head, config);
  if (ff) {
    if (source.mode === void 0)
      delete ff.mode;
    facts.push(ff);
  }
  if (kinds.includes("certificate")) {
    const bytes = source.bytes ?? Buffer.from(text ?? "", "utf8");
    guard("certificate", () => certificatesFromBytes(source.file, Buffer.from(bytes), config, source.scopePath));
  }
  if (text === void 0)
    return { facts, diagnostics };
  let manifest2;
  if (kinds.includes("manifest")) {
    try {
      manifest2 = readManifest(source.file, text);
    } catch (error) {
      if (!kinds.includes("package-json"))
        diagnostics.push({ file: source.file, message: maskSecrets(`cannot read the package versions it records: ${error.message.split("\n")[0]}`) });
    }
    if (!kinds.includes("package-json"))
      return { facts, diagnostics, ...manifest2 ? { manifest: manifest2 } : {} };
  }
  const input2 = { file: source.file, text, config, ...source.scopePath !== void 0 ? { scopePath: source.scopePath } : {}, ...source.program && text === source.text ? { program: source.program } : {} };
  for (const extractor of extractorsFor(kinds, source.file, text))
    guard(extractor.name || "file", () => extractor(input2));
  if (!kinds.includes("certificate"))
    guard("inline certificate", () => extractInlinePem(input2));
  if (isTestPath(source.scopePath ?? source.file)) {
    for (const f of facts)
      if (f.kind === "file" || f.kind === "certificate")
        f.testCode = true;
  }
  return { facts, diagnostics, ...related, text, ...manifest2 ? { manifest: manifest2 } : {} };
}

// dist/src/engine/isolate.js
function extractIsolated(source, config) {
  try {
    return extractFile(source, config);
  } catch (error) {
    const message2 = error instanceof Error ? error.message : String(error);
    return { facts: [], diagnostics: [{ file: source.file, message: maskSecrets(`internal error, file skipped: ${message2}`) }] };
  }
}

// dist/src/engine/context.js
var require14 = createRequire(__sslguardFileUrl);
function linterTarget(linter) {
  return { extract: (source) => extractIsolated(source, linter.resolvedConfig), keep: (file, extraction) => linter.addExtraction(file, extraction) };
}
var MAX_ROUNDS = 6;
async function addRepositoryContext(named2, repo, target, scanned = []) {
  const layout = new Layout(repo);
  const included = /* @__PURE__ */ new Set([...named2.keys(), ...scanned]);
  const values = { files: new Set(named2.keys()), names: /* @__PURE__ */ new Set() };
  for (const extraction of named2.values())
    for (const d of extraction.definitions ?? [])
      values.names.add(d.name);
  const added = [];
  let pending = [...named2].map(([file, extraction]) => ({ file, kinds: repo.kinds(file), extraction, named: true }));
  for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
    const wanted = /* @__PURE__ */ new Map();
    const want = (f, confirm) => {
      if (included.has(f) || !repo.has(f) || repo.kinds(f).length === 0)
        return;
      const list = wanted.get(f) ?? [];
      list.push(confirm);
      wanted.set(f, list);
    };
    const questions = [];
    for (const item of pending)
      relate(item, layout, values, want, questions);
    const asked = questions.map((q) => ({ q, candidates: [] }));
    if (asked.length > 0) {
      for (const f of repo.paths) {
        for (const a of asked) {
          if (a.q.prefix !== void 0 && !f.startsWith(a.q.prefix) || !a.q.name.test(f) || included.has(f))
            continue;
          const kinds = repo.kinds(f);
          if (kinds.length > 0 && a.q.accepts(f, kinds))
            a.candidates.push(f);
        }
      }
    }
    const words2 = new Set(asked.filter((a) => a.candidates.length > 0).flatMap((a) => [...a.q.words]));
    const candidates = [...new Set(asked.flatMap((a) => a.candidates))];
    if (words2.size > 0 && candidates.length > 0) {
      const hits = await repo.grep([...words2].sort(), candidates);
      for (const a of asked)
        for (const f of a.candidates)
          if (!hits || hits.has(f))
            want(f, a.q.confirm);
    }
    const next = [...wanted.keys()].sort();
    pending = [];
    if (next.length === 0)
      break;
    for (const read2 of await repo.read(next)) {
      if ("error" in read2)
        continue;
      const extraction = target.extract(read2);
      if (!wanted.get(read2.file).some((confirm) => confirm === void 0 || confirm(extraction)))
        continue;
      included.add(read2.file);
      target.keep(read2.file, extraction);
      added.push(read2.file);
      pending.push({ file: read2.file, kinds: repo.kinds(read2.file), extraction, named: false });
    }
  }
  return added;
}
var Layout = class {
  repo;
  /** Directories holding a package.json ('.' for the working directory). */
  packages = /* @__PURE__ */ new Set();
  owners = /* @__PURE__ */ new Map();
  dirs = /* @__PURE__ */ new Map();
  mcpConfigs;
  constructor(repo) {
    this.repo = repo;
    for (const file of repo.paths) {
      if ((file === "package.json" || file.endsWith("/package.json")) && repo.kinds(file).length > 0)
        this.packages.add(dirOf2(file));
    }
  }
  /** The files sslguard reads directly in `dir`. */
  inDir(dir) {
    let list = this.dirs.get(dir);
    if (!list) {
      const prefix = dir === "." ? "" : `${dir}/`;
      list = this.repo.paths.filter((f) => f.startsWith(prefix) && !f.includes("/", prefix.length) && this.repo.kinds(f).length > 0);
      this.dirs.set(dir, list);
    }
    return list;
  }
  /** MCP configs anywhere (few: found by name). */
  mcp() {
    this.mcpConfigs ??= this.repo.paths.filter((f) => /mcp|settings\.json$/i.test(f) && isMcp(f, this.repo.kinds(f)));
    return this.mcpConfigs;
  }
  /** The package.json files of `file`'s directory and every directory above it. */
  packageFiles(file) {
    const out = [];
    for (let dir = dirOf2(file); dir !== void 0; dir = parentOf(dir))
      if (this.packages.has(dir))
        out.push(inDir(dir, "package.json"));
    return out;
  }
  /** The nearest package directory at or above the file (resolve-values.ts `owner`). */
  owner(file) {
    const start = dirOf2(file);
    if (this.owners.has(start))
      return this.owners.get(start);
    let found;
    for (let dir = start; dir !== void 0 && found === void 0; dir = parentOf(dir))
      if (this.packages.has(dir))
        found = dir;
    this.owners.set(start, found);
    return found;
  }
  /** The code a value written in `file` reaches (resolve-values.ts `visible`): a path prefix, or everywhere. */
  readersPrefix(file) {
    const o = this.owner(file);
    return o === void 0 || o === "." ? void 0 : `${o}/`;
  }
  /** A value written in `file` reaches code in `reader`. */
  visible(file, reader) {
    const prefix = this.readersPrefix(file);
    return prefix === void 0 || reader.startsWith(prefix);
  }
};
function dirOf2(file) {
  const slash = file.lastIndexOf("/");
  return slash < 0 ? "." : file.slice(0, slash);
}
function baseOf(file) {
  return file.slice(file.lastIndexOf("/") + 1);
}
function parentOf(dir) {
  if (dir === "." || dir === ".." || dir.endsWith("/..") || dir === "/")
    return void 0;
  return dirOf2(dir);
}
function inDir(dir, name) {
  return dir === "." || dir === "" ? name : `${dir}/${name}`;
}
function mcpProjectRoot(file) {
  const dir = dirOf2(file);
  const base = baseOf(dir);
  return base.startsWith(".") && base !== "." && base !== ".." ? dirOf2(dir) : dir;
}
var COMPOSE_OR_MCP_NAME = /compose|mcp|settings\.json$/i;
var YAML_NAME = /\.ya?ml$/i;
var READER_NAME = /\.(?:[cm]?[jt]sx?|prisma)$/i;
var NOT_CODE_NAME = /^(?!.*\.[cm]?[jt]sx?$)/i;
var isEnv = (kinds) => kinds.includes("env");
var isManifest = (kinds) => kinds.includes("yaml") && !kinds.includes("compose") && !kinds.includes("helm-values") && !kinds.includes("workflow");
var isMcp = (file, kinds) => kinds.includes("mcp") || kinds.includes("json") && !kinds.includes("package-json") && /mcp/i.test(baseOf(file));
var mayDefine = (kinds) => !kinds.includes("source") && !kinds.includes("certificate") && !kinds.includes("private-key") && !kinds.includes("prisma");
var mayRead = (kinds) => kinds.includes("source") || kinds.includes("prisma");
function envFilesNamed(e) {
  return [
    ...(e.references ?? []).filter((r) => r.kind === "env-file").map((r) => r.path),
    ...(e.uses ?? []).flatMap((u) => u.parts.flatMap((p) => typeof p !== "string" && p.from?.kind === "env-file" ? [p.from.name] : []))
  ];
}
function relate(item, layout, values, want, questions) {
  const { file, kinds, extraction } = item;
  const dir = dirOf2(file);
  const base = baseOf(file);
  const ask = (words2, question) => {
    const set = new Set([...words2].filter((w) => w !== ""));
    if (set.size > 0)
      questions.push({ words: set, ...question });
  };
  for (const p of layout.packageFiles(file))
    want(p);
  for (const ref of extraction.references ?? [])
    want(ref.path);
  for (const f of envFilesNamed(extraction))
    want(f);
  if (isEnv(kinds)) {
    if (base.startsWith(".env")) {
      for (const f of layout.inDir(dir)) {
        const k = layout.repo.kinds(f);
        if (isEnv(k) && baseOf(f).startsWith(".env") || k.includes("compose"))
          want(f);
      }
    }
    ask([base], { name: COMPOSE_OR_MCP_NAME, accepts: (f, k) => k.includes("compose") || isMcp(f, k), confirm: (e) => envFilesNamed(e).includes(file) });
    if (base === ".env" || base === ".env.local") {
      for (const f of layout.mcp())
        if (mcpProjectRoot(f) === dir)
          want(f);
    }
  }
  if (kinds.includes("compose"))
    want(inDir(dir, ".env"));
  if (isMcp(file, kinds)) {
    const root = mcpProjectRoot(file);
    want(inDir(root, ".env"));
    want(inDir(root, ".env.local"));
  }
  if (kinds.includes("dockerfile")) {
    ask(["build"], { name: COMPOSE_OR_MCP_NAME, accepts: (_f, k) => k.includes("compose"), confirm: (e) => (e.references ?? []).some((r) => r.kind === "dockerfile" && r.path === file) });
  }
  if (kinds.includes("helm-values")) {
    for (const f of layout.inDir(dir))
      if (layout.repo.kinds(f).includes("helm-values"))
        want(f);
  }
  const resources = /* @__PURE__ */ new Set();
  for (const use of extraction.uses ?? []) {
    for (const part of use.parts)
      if (typeof part !== "string" && (part.from?.kind === "k8s-secret" || part.from?.kind === "k8s-configmap"))
        resources.add(part.from.name);
  }
  for (const d of extraction.definitions ?? [])
    if (d.unit.kind === "k8s-secret" || d.unit.kind === "k8s-configmap")
      resources.add(d.unit.name);
  if (resources.size > 0)
    ask(resources, { name: YAML_NAME, accepts: (_f, k) => isManifest(k) });
  if (!kinds.includes("source") && !kinds.includes("prisma")) {
    const variables = /* @__PURE__ */ new Set();
    if (item.named) {
      for (const f of extraction.facts)
        if (f.kind === "connection" && f.variable !== void 0)
          variables.add(f.variable);
      for (const d of extraction.definitions ?? [])
        variables.add(d.name);
    }
    for (const use of extraction.uses ?? []) {
      const fromNamed = use.parts.some((p) => typeof p !== "string" && (p.from?.kind === "env-file" ? values.files.has(p.from.name) : !p.from && values.names.has(p.name)));
      if (use.as !== void 0 && (item.named || fromNamed))
        variables.add(use.as);
      if (!item.named && fromNamed && use.as === void 0)
        for (const n of values.names)
          variables.add(n);
    }
    const prefix = layout.readersPrefix(file);
    if (variables.size > 0)
      ask([...variables].filter(isWord), { ...prefix !== void 0 ? { prefix } : {}, name: READER_NAME, accepts: (_f, k) => mayRead(k) });
  }
  if (item.named) {
    const read2 = /* @__PURE__ */ new Set();
    for (const use of extraction.uses ?? []) {
      if (use.scope !== "code")
        continue;
      for (const part of use.parts)
        if (typeof part !== "string")
          read2.add(part.name);
    }
    if (read2.size > 0)
      ask([...read2].filter(isWord), { name: NOT_CODE_NAME, accepts: (f, k) => mayDefine(k) && layout.visible(f, file) });
  }
}
function isWord(name) {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}
var MAX_PATHSPECS2 = 1e3;
var SEARCH_HERE = 400;
function searchHere(words2, candidates, absOf, maxSize) {
  const escaped = words2.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern2 = new RegExp(`(?<![A-Za-z0-9_])(?:${escaped.join("|")})(?![A-Za-z0-9_])`);
  const reader = new FileReader(maxSize);
  const hits = /* @__PURE__ */ new Set();
  for (const file of candidates) {
    const read2 = reader.read(absOf(file));
    if ("error" in read2)
      continue;
    if (pattern2.test(read2.bytes.toString("latin1")))
      hits.add(file);
  }
  return hits;
}
var SOURCE = Object.freeze(["source"]);
var NONE = Object.freeze([]);
async function openContextRepository(dir, options) {
  const listing = await listRepository(dir, options.staged);
  if (!listing)
    return void 0;
  const cwd = await import_node_fs5.promises.realpath(import_node_path10.default.resolve(options.cwd));
  const rootReal = await import_node_fs5.promises.realpath(listing.root);
  const patterns = options.config.ignorePatterns;
  const configIgnore = patterns.length > 0 ? require14("ignore")().add(patterns) : void 0;
  const sub = import_node_path10.default.relative(rootReal, cwd).split(import_node_path10.default.sep).join("/");
  const inside = sub === "" || !sub.startsWith("..") && !import_node_path10.default.isAbsolute(sub);
  const paths = sub === "" ? listing.paths : listing.paths.map((p) => inside && p.startsWith(`${sub}/`) ? p.slice(sub.length + 1) : relativeToCwd(rootReal, cwd, p));
  let sorted = true;
  for (let i = 1; i < paths.length && sorted; i++)
    sorted = paths[i - 1] < paths[i];
  let indexOf;
  const at = (file) => {
    if (!sorted) {
      indexOf ??= new Map(paths.map((p, i) => [p, i]));
      return indexOf.get(file) ?? -1;
    }
    let lo = 0;
    let hi = paths.length - 1;
    while (lo <= hi) {
      const mid = lo + hi >>> 1;
      const p = paths[mid];
      if (p === file)
        return mid;
      if (p < file)
        lo = mid + 1;
      else
        hi = mid - 1;
    }
    return -1;
  };
  const kindsCache = /* @__PURE__ */ new Map();
  const kinds = (file) => {
    let k = kindsCache.get(file);
    if (k === void 0) {
      const classified = classifyPath(file);
      k = classified.length === 0 || hasSkippedDirectory(file) || configIgnore !== void 0 && !file.startsWith("../") && configIgnore.ignores(file) ? NONE : classified.length === 1 && classified[0] === "source" ? SOURCE : classified;
      kindsCache.set(file, k);
    }
    return k;
  };
  const git2 = { inGit: true };
  const absOf = (file) => import_node_path10.default.join(rootReal, ...listing.paths[at(file)].split("/"));
  return {
    paths,
    has: (file) => at(file) >= 0,
    kinds,
    async grep(words2, candidates) {
      if (!options.staged && candidates.length <= SEARCH_HERE)
        return searchHere(words2, candidates, absOf, options.config.maxFileSize);
      const specs = candidates.map((c) => listing.paths[at(c)]);
      const hits = await grepWords(listing.root, words2, specs.length > MAX_PATHSPECS2 ? [] : specs, options.staged);
      if (!hits)
        return void 0;
      return new Set(candidates.filter((c) => hits.has(listing.paths[at(c)])));
    },
    async read(files) {
      const out = [];
      if (options.staged) {
        const ids = files.map((f) => listing.ids[at(f)]);
        const blobs = await readBlobs(listing.root, ids, options.config.maxFileSize);
        files.forEach((file, i) => {
          const blob = blobs.get(ids[i]);
          if (!blob || "error" in blob)
            out.push({ file, error: blob?.error ?? "not in the index" });
          else
            out.push({ file, scopePath: listing.paths[at(file)], bytes: blob.bytes, git: git2 });
        });
        return out;
      }
      const reader = new FileReader(options.config.maxFileSize);
      const dirs = /* @__PURE__ */ new Map();
      for (const file of files) {
        const abs = absOf(file);
        const dir2 = import_node_path10.default.dirname(abs);
        let within3 = dirs.get(dir2);
        if (within3 === void 0) {
          const real = await import_node_fs5.promises.realpath(dir2).catch(() => void 0);
          within3 = real !== void 0 && (real === rootReal || real.startsWith(rootReal + import_node_path10.default.sep));
          dirs.set(dir2, within3);
        }
        if (!within3) {
          out.push({ file, error: "outside the repository" });
          continue;
        }
        const read2 = reader.read(abs);
        if ("error" in read2)
          out.push({ file, error: read2.error });
        else
          out.push({ file, scopePath: listing.paths[at(file)], bytes: Buffer.from(read2.bytes), git: git2, mode: read2.mode });
      }
      return out;
    }
  };
}

// dist/src/engine/lint.js
var import_node_path13 = require("node:path");

// dist/src/engine/rule.js
function defineRule(rule) {
  for (const example of [...rule.meta.examples.good, ...rule.meta.examples.bad]) {
    if (!example.file || typeof example.code !== "string")
      throw new Error(`rule ${rule.meta.id}: example without file or code`);
  }
  return rule;
}
function formatMessage(template, data = {}) {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, key) => key in data ? String(data[key]) : `{{${key}}}`);
}

// dist/src/engine/suppress.js
var DIRECTIVE = /^sslguard-(disable-next-line|disable-line)(?=\s|$|\*\/)/;
function opensString(prev) {
  return prev === void 0 || /[\s=:,([{!&|?+;<>]/.test(prev);
}
function commentOpeners(line) {
  const found = [];
  let quote3;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote3) {
      if (c === "\\" && quote3 !== "'")
        i++;
      else if (c === quote3)
        quote3 = void 0;
      continue;
    }
    if ((c === '"' || c === "'" || c === "`") && opensString(line[i - 1])) {
      quote3 = c;
      continue;
    }
    const prev = line[i - 1];
    if (c === "#" && (prev === void 0 || /\s/.test(prev))) {
      found.push({ at: i, kind: "#", contentStart: i + 1 });
      return found;
    }
    if (c === "/" && line[i + 1] === "/" && prev !== ":") {
      found.push({ at: i, kind: "//", contentStart: i + 2 });
      return found;
    }
    if (c === "/" && line[i + 1] === "*") {
      const close = line.indexOf("*/", i + 2);
      found.push({ at: i, kind: "/*", contentStart: i + 2 });
      if (close < 0)
        return found;
      i = close + 1;
    }
  }
  return found;
}
function parseDirective(line, lineNo, opener) {
  let i = opener.contentStart;
  const filler = opener.kind === "#" ? /[#\s]/ : opener.kind === "//" ? /[/\s]/ : /[*\s]/;
  while (i < line.length && filler.test(line[i]))
    i++;
  const m = DIRECTIVE.exec(line.slice(i));
  if (!m)
    return void 0;
  const kind = m[1];
  const directiveStart = i;
  let end = line.length;
  if (opener.kind === "/*") {
    const close = line.indexOf("*/", i);
    if (close >= 0)
      end = close;
  }
  let rest = line.slice(i + m[0].length, end);
  const restStart = i + m[0].length;
  let justification;
  const sep2 = /(?:^|\s)--(?:\s|$)/.exec(rest);
  if (sep2) {
    justification = rest.slice(sep2.index + sep2[0].length).trim() || void 0;
    rest = rest.slice(0, sep2.index);
  }
  const ruleIds = [];
  for (const id of rest.matchAll(/[^\s,]+/g)) {
    ruleIds.push({ id: id[0], line: lineNo, column: restStart + id.index + 1 });
  }
  return {
    kind,
    line: lineNo,
    column: directiveStart + 1,
    endColumn: end + 1,
    targetLine: kind === "disable-line" ? lineNo : lineNo + 1,
    ruleIds,
    ...justification !== void 0 ? { justification } : {}
  };
}
function parseSuppressions(text) {
  const directives = [];
  if (text.includes("sslguard-disable-")) {
    const lines = text.split(/\r\n|\r|\n/);
    for (let n = 0; n < lines.length; n++) {
      const line = lines[n];
      if (!line.includes("sslguard-disable-"))
        continue;
      for (const opener of commentOpeners(line)) {
        const d = parseDirective(line, n + 1, opener);
        if (d)
          directives.push(d);
      }
    }
  }
  const byLine = /* @__PURE__ */ new Map();
  for (const d of directives) {
    const list = byLine.get(d.targetLine);
    if (list)
      list.push(d);
    else
      byLine.set(d.targetLine, [d]);
  }
  return {
    directives,
    isSuppressed(ruleId, line) {
      const matches = byLine.get(line)?.filter((d) => d.ruleIds.length === 0 || d.ruleIds.some((r) => r.id === ruleId)) ?? [];
      const match = matches.find((d) => d.justification !== void 0) ?? matches[0];
      if (!match)
        return void 0;
      return match.justification !== void 0 ? { justification: match.justification } : {};
    }
  };
}

// dist/src/engine/fingerprint.js
var import_node_crypto2 = require("node:crypto");

// dist/src/engine/line-hash.js
var BLOCK_SIZE = 100;
var BASE = 37n;
var EOF = 65535;
var SPACE = 32;
var TAB = 9;
var LF = 10;
var CR = 13;
var LEAVING = BigInt.asUintN(64, BASE ** BigInt(BLOCK_SIZE));
function primaryLocationLineHashes(text) {
  const window = new Array(BLOCK_SIZE).fill(0);
  const startsLine = new Array(BLOCK_SIZE).fill(-1);
  const seen = /* @__PURE__ */ new Map();
  const out = /* @__PURE__ */ new Map();
  let hash = 0n;
  let index = 0;
  let line = 0;
  let atLineStart = true;
  let afterCR = false;
  const emit2 = () => {
    const hex = hash.toString(16);
    const n = (seen.get(hex) ?? 0) + 1;
    seen.set(hex, n);
    out.set(startsLine[index], `${hex}:${n}`);
    startsLine[index] = -1;
  };
  const push = (c) => {
    const leaving = window[index];
    window[index] = c;
    hash = BigInt.asUintN(64, BASE * hash + BigInt(c) - LEAVING * BigInt(leaving));
    index = (index + 1) % BLOCK_SIZE;
  };
  const read2 = (code2) => {
    if (code2 === SPACE || code2 === TAB || afterCR && code2 === LF) {
      afterCR = false;
      return;
    }
    let c = code2;
    if (c === CR) {
      c = LF;
      afterCR = true;
    } else {
      afterCR = false;
    }
    if (startsLine[index] !== -1)
      emit2();
    if (atLineStart) {
      atLineStart = false;
      startsLine[index] = ++line;
    }
    if (c === LF)
      atLineStart = true;
    push(c);
  };
  for (let i = 0; i < text.length; i++)
    read2(text.charCodeAt(i));
  read2(EOF);
  for (let i = 0; i < BLOCK_SIZE; i++) {
    if (startsLine[index] !== -1)
      emit2();
    push(0);
  }
  return out;
}

// dist/src/engine/fingerprint.js
var FINGERPRINT_VERSION = 2;
var FINGERPRINT_KEY = `sslguard/v${FINGERPRINT_VERSION}`;
function prepare(source) {
  if (source?.text === void 0)
    return void 0;
  const secrets = [...source.secrets ?? []].sort((a, b) => a.start - b.start);
  const reach = [];
  for (const s of secrets)
    reach.push(Math.max(s.end, reach.at(-1) ?? -Infinity));
  return { text: source.text, lines: new SourceText(source.text), secrets, reach };
}
function preparedLines(finding, source) {
  if (finding.line === finding.endLine && finding.column === finding.endColumn)
    return "";
  if (source === void 0)
    return "";
  const { text, lines, secrets, reach } = source;
  const from = lines.lineStart(finding.line);
  const to = finding.endLine < lines.lineCount ? lines.lineStart(finding.endLine + 1) : text.length;
  let slice = text.slice(from, to);
  let lo = 0;
  let hi = secrets.length;
  while (lo < hi) {
    const mid = lo + hi >> 1;
    if (reach[mid] <= from)
      lo = mid + 1;
    else
      hi = mid;
  }
  const inside = [];
  for (let i = lo; i < secrets.length && secrets[i].start < to; i++) {
    const s = secrets[i];
    if (s.end > from)
      inside.push({ start: Math.max(s.start, from) - from, end: Math.min(s.end, to) - from });
  }
  inside.sort((a, b) => b.start - a.start);
  for (const s of inside)
    slice = slice.slice(0, s.start) + MASK + slice.slice(s.end);
  return maskSecrets(slice).split(/\r\n|\r|\n/).map((line) => line.trim().replace(/\s+/g, " ")).filter((line) => line !== "").join("\n");
}
function byPosition(a, b) {
  return a.line - b.line || a.column - b.column || a.endLine - b.endLine || a.endColumn - b.endColumn;
}
function digest(parts) {
  return (0, import_node_crypto2.createHash)("sha256").update(parts.join("\0")).digest("hex").slice(0, 32);
}
function fingerprintFindings(findings, sourceOf) {
  const order = findings.map((_, i) => i).sort((a, b) => byPosition(findings[a], findings[b]) || a - b);
  const seen = /* @__PURE__ */ new Map();
  const prepared = /* @__PURE__ */ new Map();
  const lineHashes = /* @__PURE__ */ new Map();
  const out = findings.slice();
  for (const i of order) {
    const f = findings[i];
    if (!prepared.has(f.file))
      prepared.set(f.file, prepare(sourceOf(f.file)));
    const source = prepared.get(f.file);
    const hash = digest([f.ruleId, preparedLines(f, source)]);
    const key = `${f.file}\0${hash}`;
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    if (!lineHashes.has(f.file))
      lineHashes.set(f.file, source === void 0 ? void 0 : primaryLocationLineHashes(maskedText(source)));
    const lineHash = lineHashes.get(f.file)?.get(f.line);
    out[i] = { ...f, fingerprint: `${hash}:${occurrence}`, ...lineHash ? { lineHash } : {} };
  }
  return out;
}
function maskedText({ text, secrets }) {
  const parts = [];
  let at = 0;
  for (const s of secrets) {
    if (s.end <= at)
      continue;
    if (s.start >= at) {
      parts.push(text.slice(at, s.start), MASK);
    }
    at = s.end;
  }
  parts.push(text.slice(at));
  return maskSecrets(parts.join(""));
}

// dist/src/docs/example-manifests.js
var PRODUCTION_DEPLOYMENT_ENV = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: production\nspec:\n  selector:\n    matchLabels: { app: api }\n  template:\n    metadata:\n      labels: { app: api }\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.4.2\n          env:\n";
var VALID_CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIB0DCCAXWgAwIBAgIUORRhpqXFE/2hl9rOHRKmTiil110wCgYIKoZIzj0EAwIw\nNDESMBAGA1UECgwJQWNtZSBDb3JwMR4wHAYDVQQDDBVBY21lIFBvc3RncmVzIFJv\nb3QgQ0EwIBcNMjYxMTI2MDYxMjE1WhgPMjEyNjExMDIwNjEyMTVaMDQxEjAQBgNV\nBAoMCUFjbWUgQ29ycDEeMBwGA1UEAwwVQWNtZSBQb3N0Z3JlcyBSb290IENBMFkw\nEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEZ9jgoFbuTtbh6iBsx6HGx6irhF7qeFQN\nFh4lt8gjtwiY2/nrOS1QhH/RrBLCyF4AR3obig1L8yLxGxrs5BPAxKNjMGEwHQYD\nVR0OBBYEFGmahV6zKSCA14ACtxb6lSHVjVj3MB8GA1UdIwQYMBaAFGmahV6zKSCA\n14ACtxb6lSHVjVj3MA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgEGMAoG\nCCqGSM49BAMCA0kAMEYCIQDJAwgGslt4vtk3tybE5dL/qQW8JmbF4PI7NQ6f1L8Z\n6QIhALU6S9/qvraJ4/JziWqa1izRp+fCQirvyjnF3b2hPKjT\n-----END CERTIFICATE-----\n";

// dist/src/policy/tls-options.js
var POSTGRES_JS_STYLE = /* @__PURE__ */ new Set(["postgres", "drizzle-kit"]);
var NODE_POSTGRES_STYLE = /* @__PURE__ */ new Set(["pg"]);
var LIBRARY_NAMES = {
  pg: "node-postgres",
  postgres: "postgres.js",
  "drizzle-kit": "drizzle-kit",
  "deno-postgres": "deno-postgres",
  slonik: "Slonik",
  "node:tls": "Node's tls module",
  "node:https": "Node's https module",
  undici: "undici",
  asyncpg: "asyncpg",
  psycopg: "psycopg (libpq)",
  "python:ssl": "Python's ssl module"
};
function libraryName(t) {
  return (t.driver && LIBRARY_NAMES[t.driver]) ?? "this client";
}
function isPythonDriver(t) {
  return t.driver === "asyncpg" || t.driver === "psycopg" || t.driver === "python:ssl";
}
function targetsLocalHost(t, localHosts) {
  const host = t.options.host?.value;
  if (typeof host !== "string")
    return false;
  return classifyHost(host, { socket: host.startsWith("/"), localHosts: [...localHosts] }).class === "local";
}
function isRejectOff(value) {
  return value === false || value === "false" || value === 0;
}
function show(value) {
  return typeof value === "string" ? `'${value}'` : String(value);
}
function weakTls(t) {
  const out = [];
  if (isPythonDriver(t))
    return out;
  const ssl = t.options.ssl;
  if (ssl && ssl.value === false)
    out.push({ option: ssl, written: "ssl: false", how: "off" });
  if (ssl && typeof ssl.value === "string" && POSTGRES_JS_STYLE.has(t.driver ?? "") && ["prefer", "allow"].includes(ssl.value.toLowerCase())) {
    out.push({ option: ssl, written: `ssl: ${show(ssl.value)}`, how: "optional" });
  }
  if (t.driver === "deno-postgres") {
    const enabled = t.options.enabled;
    if (enabled && enabled.value === false)
      out.push({ option: enabled, written: "tls.enabled: false", how: "off" });
    const enforce = t.options.enforce;
    if (enforce && enforce.value === false && !(enabled && enabled.value === false))
      out.push({ option: enforce, written: "tls.enforce: false", how: "optional" });
  }
  return out;
}
function unverifiedTls(t) {
  const out = [];
  if (isPythonDriver(t))
    return out;
  const reject = t.options.rejectUnauthorized;
  if (reject && isRejectOff(reject.value))
    out.push({ option: reject, written: `rejectUnauthorized: ${show(reject.value)}`, kind: "reject-unauthorized" });
  const ssl = t.options.ssl;
  if (ssl && typeof ssl.value === "string") {
    const v = ssl.value.toLowerCase();
    if (v === "no-verify" && NODE_POSTGRES_STYLE.has(t.driver ?? ""))
      out.push({ option: ssl, written: `ssl: ${show(ssl.value)}`, kind: "no-verify" });
    if (v === "require" && POSTGRES_JS_STYLE.has(t.driver ?? ""))
      out.push({ option: ssl, written: `ssl: ${show(ssl.value)}`, kind: "require-unverified" });
  }
  const check = t.options.checkServerIdentity;
  if (check && check.returns !== void 0 && !check.returns)
    out.push({ option: check, written: "checkServerIdentity", kind: "check-server-identity" });
  return out;
}
var PYTHON_FIX = {
  asyncpg: "Pass `ssl=ssl.create_default_context(cafile='<CA file>')` (asyncpg then checks the chain and the host name), or `ssl='verify-full'` with PGSSLROOTCERT=<CA file>.",
  psycopg: "Use sslmode 'verify-full' with sslrootcert '<CA file>' (libpq then checks the chain and the host name)."
};
var PYTHON_LIBRARY = {
  asyncpg: "asyncpg",
  psycopg: "psycopg (libpq)",
  "django.db.backends.postgresql": "Django (psycopg, libpq)"
};
function pyLiteral(value) {
  if (typeof value === "string")
    return `'${value}'`;
  if (value === true)
    return "True";
  if (value === false)
    return "False";
  if (value === null)
    return "None";
  return String(value);
}
function codeModeTls(t) {
  if (t.driver !== "asyncpg" && t.driver !== "psycopg")
    return void 0;
  const key = t.driver === "asyncpg" ? "ssl" : "sslmode";
  const option = t.options[key];
  if (!option)
    return void 0;
  const v = option.value;
  let consumer;
  let effect;
  if (t.driver === "asyncpg") {
    consumer = "asyncpg";
    if (v === true)
      effect = { protection: "full-verified", because: "asyncpg reads ssl=True as ssl.create_default_context(): chain and host name checked" };
    else if (v === false)
      effect = { protection: "plaintext", because: "asyncpg reads ssl=False as no TLS" };
    else if (typeof v === "string") {
      const e = effectiveTls("asyncpg", { sslmode: v });
      effect = { ...e, because: e.because.replace(`sslmode=${v.trim().toLowerCase()}`, `ssl='${v}'`) };
    } else
      return void 0;
  } else {
    consumer = "libpq";
    if (typeof v !== "string")
      return void 0;
    const rootcert = t.options.sslrootcert?.value;
    effect = effectiveTls("libpq", { sslmode: v, ...typeof rootcert === "string" ? { sslrootcert: rootcert } : {} });
  }
  const library = t.sink?.startsWith("sqlalchemy.") || t.sink?.startsWith("sqlmodel.") ? `SQLAlchemy with ${PYTHON_LIBRARY[t.driver]}` : PYTHON_LIBRARY[t.sink === "django.db.backends.postgresql" || t.sink?.startsWith("dj_database_url.") ? "django.db.backends.postgresql" : t.driver] ?? t.driver;
  const subject = option.whenUnset ? `\`${option.written ?? pyLiteral(v)}\` is the ${key} ${library} gets while ${option.whenUnset} is unset` : `\`${option.written ?? `${key}=${pyLiteral(v)}`}\` (${library})`;
  const fix = t.sink?.startsWith("dj_database_url.") ? "Drop ssl_require=True and put sslmode=verify-full&sslrootcert=<CA file> in the URL's query (dj-database-url copies it into OPTIONS), or set OPTIONS 'sslmode': 'verify-full' with 'sslrootcert': '<CA file>'." : PYTHON_FIX[t.driver];
  return { option, consumer, effect, subject, fix };
}
function pythonContextTls(t) {
  const library = t.driver === "python:ssl" ? "this SSL context" : PYTHON_LIBRARY[t.driver ?? ""] ?? "this client";
  if (t.options.verify_mode?.value === "CERT_NONE")
    return { option: t.options.verify_mode, kind: "cert-none", library };
  if (t.options.check_hostname?.value === false)
    return { option: t.options.check_hostname, kind: "no-hostname", library };
  return void 0;
}

// dist/rules/no-ssl-disabled.js
var PLAINTEXT = "traffic, password included, crosses the network in plaintext";
var OPTIONAL = "TLS is optional and the server is never verified, so anyone on the path can downgrade the connection to plaintext and read the password";
function consequence(mode) {
  return mode === "disable" ? PLAINTEXT : OPTIONAL;
}
var no_ssl_disabled_default = defineRule({
  meta: {
    id: "no-ssl-disabled",
    description: "Connections that leave the machine must not turn TLS off or make it optional (sslmode=disable, allow, prefer; ssl=false).",
    defaultSeverity: "error",
    rationale: 'With sslmode=disable the password and every query cross the network in plaintext. allow and prefer are barely better: TLS is negotiated only if the server offers it and the certificate is never checked, so an attacker on the path simply answers "no TLS" and reads everything. A connection to a managed database (Supabase, RDS, Neon) or any other host off this machine needs sslmode=verify-full.',
    messages: {
      connection: "Connection to {{host}} uses {{written}}: {{consequence}}. Use sslmode=verify-full with sslrootcert=<CA file>.",
      consumerConnection: "Connection to {{host}}: {{because}}, so {{consequence}}. {{fix}}",
      settingWithConnection: "{{written}} is the default sslmode for every connection of {{scope}}, which connects to {{host}}: without an sslmode of their own, {{consequence}}. Use {{name}}=verify-full with PGSSLROOTCERT=<CA file>.",
      settingWithoutConnection: "{{written}} in {{environment}}: every Postgres connection of {{scope}} that sets no sslmode of its own gets it, so {{consequence}}. Use {{name}}=verify-full with PGSSLROOTCERT=<CA file>.",
      flagWithConnection: "{{written}} turns TLS off for the connections of {{scope}}, which connects to {{host}}: {{consequence}}. Set {{name}}=true (the client then verifies the server against the system's CAs) or pass the server's CA.",
      flagWithoutConnection: "{{written}} in {{environment}} turns TLS off for the Postgres connections of {{scope}}: {{consequence}}. Set {{name}}=true (the client then verifies the server against the system's CAs) or pass the server's CA.",
      tlsOptionFallback: "`{{call}}` ends in `return false`, so every mode it does not recognise (an unset or misspelt one) gives `ssl: false`, which turns TLS off for this client in {{environment}}: {{consequence}}. Make its last case verified TLS (`{ rejectUnauthorized: true }`), or throw on a mode it does not know.",
      tlsOption: "`ssl: false` turns TLS off for this client in {{environment}}: {{consequence}}. Pass the server's CA instead: `ssl: { ca: fs.readFileSync('/path/to/ca.crt', 'utf8') }` (node-postgres then verifies the certificate and host name).",
      sslModeOption: "`{{written}}` makes TLS optional for {{library}} in {{environment}}: {{consequence}}. Use `ssl: 'verify-full'`, or pass the server's CA: `ssl: { ca: fs.readFileSync('/path/to/ca.crt', 'utf8') }`.",
      codeMode: "{{subject}} in {{environment}}: {{because}}, so {{consequence}}. {{fix}}",
      denoTls: "`{{written}}` {{effect}} for the Deno Postgres client in {{environment}}: {{consequence}}. Use `tls: { enabled: true, enforce: true, caCertificates: [await Deno.readTextFile('/path/to/ca.crt')] }`."
    },
    looksAt: [
      "connection strings (URIs and DSNs) in env files, compose, Kubernetes, Helm values, Dockerfiles, MCP configs, package.json scripts and TS/JS: `sslmode=disable|allow|prefer`, `ssl=false|0`",
      "sslmode settings (`PGSSLMODE`, `*_SSLMODE`, Helm `sslMode`) and application switches (`DB_SSL`, `DATABASE_SSL`) of the unit a connection runs in: env file, compose service, shared YAML anchor, Kubernetes container, Dockerfile stage (and the compose service built from it), Helm values file, MCP server (and its `--env-file`)",
      "split variables (`PGHOST` + `PGSSLMODE`, `DB_HOST` + `DB_SSL`, Helm `externalDatabase.host`) judged as one connection",
      "`ssl: false` in TS/JS",
      "Python: asyncpg `ssl=False` / `ssl='disable'|'allow'|'prefer'`, psycopg `sslmode=` keyword arguments, Django `OPTIONS['sslmode']`, also as the default of `os.getenv('PGSSLMODE', 'prefer')`"
    ],
    examples: {
      good: [
        {
          file: ".env.production",
          code: "DATABASE_URL=postgresql://app:${DB_PASSWORD}@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/etc/ssl/certs/supabase-ca.crt\n"
        },
        {
          file: "docker-compose.yml",
          code: "services:\n  api:\n    image: ghcr.io/acme/api:1.4.2\n    environment:\n      DATABASE_URL: postgres://app:app@db:5432/app?sslmode=disable\n  db:\n    image: postgres:16\n"
        }
      ],
      bad: [
        {
          file: ".env.production",
          code: "DATABASE_URL=postgresql://app:${DB_PASSWORD}@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=disable\n",
          findings: 1
        },
        {
          file: "k8s/production/deploy.yaml",
          code: PRODUCTION_DEPLOYMENT_ENV + "            - name: DATABASE_URL\n              value: postgres://orders@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders\n            - name: PGPASSWORD\n              valueFrom:\n                secretKeyRef: { name: orders-db, key: password }\n            - name: PGSSLMODE\n              value: prefer\n",
          findings: 1
        },
        {
          file: "src/db.ts",
          code: "import pg from 'pg';\n\nexport const pool = new pg.Pool({\n  connectionString: process.env.DATABASE_URL,\n  ssl: false,\n});\n",
          findings: 1
        },
        {
          file: "supabase/functions/orders/index.ts",
          code: "import { Pool } from 'jsr:@db/postgres@0.19.5';\n\nconst pool = new Pool(\n  { hostname: 'db.abcdefghijklmnop.supabase.co', database: 'postgres', tls: { enforce: false } },\n  3,\n);\n",
          findings: 1
        }
      ]
    }
  },
  check(facts, ctx) {
    for (const c of facts.ofKind("connection")) {
      if (c.tlsInCode)
        continue;
      if (isTlsOverHttps(c))
        continue;
      if (!isOffMachine2(c))
        continue;
      const known = connectionTls(c, facts);
      if (known) {
        if (known.consumer === "prisma" || !hasUrlTls(c) || known.setting)
          continue;
        const p = known.effect.protection;
        if (p !== "plaintext" && p !== "optional")
          continue;
        ctx.report({
          fact: c,
          span: tlsSpan(c),
          messageId: "consumerConnection",
          data: { host: hostLabel(c), because: known.effect.because, consequence: consequenceOf(p), fix: CONSUMER_FIX[known.consumer] },
          consumer: known.consumer,
          effectiveTls: p
        });
        continue;
      }
      const eff = effectiveSslMode(c, facts);
      if (!eff || eff.origin === "setting" || !isWeakMode(eff.mode))
        continue;
      ctx.report({
        fact: c,
        span: eff.span,
        messageId: "connection",
        data: { host: hostLabel(c), written: eff.written, consequence: consequence(eff.mode) },
        consumer: "unknown",
        ...withProtection(protectionOfLibpqMode(eff.mode))
      });
    }
    for (const s of facts.ofKind("setting")) {
      if (!isModeSetting(s))
        continue;
      const mode = modeOfSetting(s);
      if (!isWeakMode(mode))
        continue;
      if (settingHarmlessForConsumers(facts, s, "encrypted-unverified"))
        continue;
      reportSetting(s, mode);
    }
    for (const t of facts.ofKind("tls-options")) {
      if (t.environment.name === "development" || targetsLocalHost(t, ctx.config.localHosts))
        continue;
      const environment2 = describeEnvironment(t.environment);
      const py = codeModeTls(t);
      if (py && (py.effect.protection === "plaintext" || py.effect.protection === "optional")) {
        ctx.report({
          fact: t,
          span: py.option.span,
          messageId: "codeMode",
          data: { subject: py.subject, environment: environment2, because: py.effect.because, consequence: consequenceOf(py.effect.protection), fix: py.fix },
          consumer: py.consumer,
          effectiveTls: py.effect.protection
        });
      }
      for (const weak of weakTls(t)) {
        const consequence2 = weak.how === "off" ? PLAINTEXT : OPTIONAL;
        if (weak.written === "ssl: false" && weak.option.fallbackOf) {
          ctx.report({ fact: t, span: weak.option.span, messageId: "tlsOptionFallback", data: { call: weak.option.fallbackOf, environment: environment2, consequence: consequence2 } });
        } else if (weak.written === "ssl: false") {
          ctx.report({ fact: t, span: weak.option.span, messageId: "tlsOption", data: { environment: environment2, consequence: consequence2 } });
        } else if (t.driver === "deno-postgres") {
          const effect = weak.how === "off" ? "turns TLS off" : "lets the connection fall back to plaintext";
          ctx.report({ fact: t, span: weak.option.span, messageId: "denoTls", data: { written: weak.written, effect, environment: environment2, consequence: consequence2 } });
        } else {
          ctx.report({ fact: t, span: weak.option.span, messageId: "sslModeOption", data: { written: weak.written, library: libraryName(t), environment: environment2, consequence: consequence2 } });
        }
      }
    }
    function reportSetting(s, mode) {
      const written = `${s.name}=${s.value ?? ""}`;
      const scope = describeUnit(s.unit);
      const conns = settingConnections(facts, s);
      const offMachine = conns.find(isOffMachine2);
      const flag = s.category === "ssl";
      if (offMachine) {
        ctx.report({
          fact: s,
          messageId: flag ? "flagWithConnection" : "settingWithConnection",
          data: { written, name: s.name, scope, host: hostLabel(offMachine), consequence: consequence(mode) }
        });
        return;
      }
      if (conns.length === 0 && isProductionOrStaging(s.environment)) {
        ctx.report({
          fact: s,
          messageId: flag ? "flagWithoutConnection" : "settingWithoutConnection",
          data: { written, name: s.name, scope, environment: describeEnvironment(s.environment), consequence: consequence(mode) }
        });
      }
    }
  }
});
function withProtection(p) {
  return p ? { effectiveTls: p } : {};
}

// dist/rules/require-sslmode.js
function fixFor(c) {
  if (c.synthesized === "driver-options") {
    return c.consumer === "postgres.js" ? "`ssl: 'verify-full'` beside `host`" : "`ssl: { ca: fs.readFileSync('/path/to/ca.crt', 'utf8'), rejectUnauthorized: true }` beside `host`";
  }
  if (c.synthesized) {
    return c.variable?.toUpperCase() === "PGHOST" ? "`PGSSLMODE=verify-full` and `PGSSLROOTCERT=/path/to/ca.crt` beside PGHOST" : `a TLS setting beside ${c.variable ?? "the host"} (PGSSLMODE=verify-full for libpq clients, or the application's own sslmode / ssl option)`;
  }
  if (c.form === "dsn")
    return "`sslmode=verify-full sslrootcert=/path/to/ca.crt`";
  return c.masked.includes("?") ? "`&sslmode=verify-full&sslrootcert=/path/to/ca.crt`" : "`?sslmode=verify-full&sslrootcert=/path/to/ca.crt`";
}
var require_sslmode_default = defineRule({
  meta: {
    id: "require-sslmode",
    description: "Connections that leave the machine must say how TLS is used: an sslmode in the string, PGSSLMODE beside it, or TLS options in code.",
    defaultSeverity: "warning",
    rationale: 'A connection string without sslmode does not mean "TLS": libpq falls back to prefer, which uses TLS only if the server offers it and never checks the certificate, and node-postgres connects without TLS at all. What the connection does then depends on the client library, not on the configuration you reviewed. Write the mode down.',
    messages: {
      missing: "Connection to {{host}} sets no sslmode: libpq falls back to prefer (TLS optional, unverified) and node-postgres uses no TLS at all; add {{fix}}.",
      missingKnown: "Connection to {{host}} sets no sslmode, and {{client}}, which reads it, then {{effect}}; add {{fix}}.",
      missingReadBy: "Connection to {{host}} ({{name}}) sets no sslmode, and the code that reads it ({{reader}}) passes no TLS options: {{client}} then {{effect}}; add {{fix}}, or pass `ssl: { ca, rejectUnauthorized: true }` in that call.",
      unverifiedReadBy: "Connection to {{host}} ({{name}}) sets no sslmode, and the code that reads it ({{reader}}) turns certificate checks off: anyone on the path can impersonate the server; add {{fix}} and remove `rejectUnauthorized: false` from that call."
    },
    looksAt: [
      "remote connection strings and split-variable connections (`PGHOST`, `DB_HOST`) with no `sslmode` or `ssl=` of their own",
      "for a string the code reads from an environment variable (`process.env.DATABASE_URL`), the TLS options of the call that reads it",
      "sslmode settings and switches of the same unit or of the units it inherits (a merged YAML anchor, the Dockerfile of the image), and TLS options in the same TS/JS file"
    ],
    examples: {
      good: [
        {
          file: ".cursor/mcp.json",
          code: '{\n  "mcpServers": {\n    "postgres": {\n      "command": "npx",\n      "args": [\n        "-y",\n        "@modelcontextprotocol/server-postgres",\n        "postgresql://readonly@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/Users/dev/.postgresql/supabase-ca.crt"\n      ]\n    }\n  }\n}\n'
        },
        {
          file: "src/db.ts",
          code: "import fs from 'node:fs';\nimport pg from 'pg';\n\nexport const pool = new pg.Pool({\n  connectionString: 'postgres://app@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders',\n  ssl: { ca: fs.readFileSync('/etc/ssl/certs/rds-global-bundle.pem', 'utf8') },\n});\n"
        },
        {
          file: ".env",
          code: "DATABASE_URL=postgres://postgres:postgres@localhost:5432/app_dev\n"
        }
      ],
      bad: [
        {
          file: ".cursor/mcp.json",
          code: '{\n  "mcpServers": {\n    "postgres": {\n      "command": "npx",\n      "args": [\n        "-y",\n        "@modelcontextprotocol/server-postgres",\n        "postgresql://readonly@db.abcdefghijklmnop.supabase.co:5432/postgres"\n      ]\n    }\n  }\n}\n',
          findings: 1
        }
      ]
    }
  },
  check(facts, ctx) {
    for (const c of facts.ofKind("connection")) {
      if (c.tlsInCode)
        continue;
      if (isTlsOverHttps(c))
        continue;
      if (!isOffMachine2(c))
        continue;
      if (effectiveSslMode(c, facts) || isTlsConfiguredInCode(c, facts))
        continue;
      const known = connectionTls(c, facts);
      if (known?.consumer === "prisma")
        continue;
      const tags = known ? { consumer: known.consumer, ...known.effect.protection ? { effectiveTls: known.effect.protection } : {} } : { consumer: "unknown", effectiveTls: "optional" };
      if (c.readBy) {
        const reader = `\`${c.readBy.name}\` in ${c.readBy.file}:${c.readBy.span.line}`;
        if (codeDisablesVerification(c)) {
          ctx.report({ fact: c, messageId: "unverifiedReadBy", data: { host: hostLabel(c), name: c.variable ?? c.readBy.name, reader, fix: fixFor(c) }, ...tags, effectiveTls: "encrypted-unverified" });
          continue;
        }
        const client = known ? CONSUMER_NAMES[known.consumer] : "the client";
        const effect = known?.effect.protection ? `${known.effect.protection === "plaintext" ? "connects without TLS" : "connects with " + known.effect.protection.replace("-", " ") + " TLS"}: ${consequenceOf(known.effect.protection)}` : "falls back to its default";
        const plaintext = known?.effect.protection === "plaintext";
        ctx.report({ fact: c, messageId: "missingReadBy", data: { host: hostLabel(c), name: c.variable ?? c.readBy.name, reader, client, effect, fix: fixFor(c) }, ...tags, ...plaintext ? { severity: "error" } : {} });
        continue;
      }
      if (known?.effect.protection) {
        const plaintext = known.effect.protection === "plaintext";
        const effect = `${plaintext ? "connects without TLS" : "connects with " + known.effect.protection.replace("-", " ") + " TLS"}: ${consequenceOf(known.effect.protection)}`;
        ctx.report({ fact: c, messageId: "missingKnown", data: { host: hostLabel(c), client: CONSUMER_NAMES[known.consumer], effect, fix: fixFor(c) }, ...tags, ...plaintext ? { severity: "error" } : {} });
        continue;
      }
      ctx.report({ fact: c, messageId: "missing", data: { host: hostLabel(c), fix: fixFor(c) }, ...tags });
    }
  }
});

// dist/src/policy/minimum.js
function minimumMode(config, environment2) {
  return config?.policy?.[environment2] ?? DEFAULT_POLICY[environment2];
}
function severityBelowMinimum(environment2) {
  return environment2 === "unknown" ? "warning" : "error";
}

// dist/rules/require-verify-full.js
var WEAKNESS = {
  require: "which encrypts but does not check the server's certificate, so anyone on the path can impersonate the server",
  "verify-ca": "which checks that a trusted CA signed the certificate but not that it was issued for this host, so any certificate from that CA passes"
};
function judge(mode, env2, config) {
  if (mode !== "require" && mode !== "verify-ca")
    return void 0;
  const minimum = minimumMode(config, env2.name);
  if (modeRank(mode) >= modeRank(minimum))
    return void 0;
  const severity = severityBelowMinimum(env2.name);
  if (env2.name === "unknown")
    return { messageId: "unknown", severity };
  return { messageId: minimum === "verify-full" ? "production" : "staging", severity };
}
function environmentOf2(fact3) {
  return `${fact3.environment.name} (${explainEnvironment(fact3.environment, fact3.file)})`;
}
var require_verify_full_default = defineRule({
  meta: {
    id: "require-verify-full",
    description: "Connections that leave the machine must meet their environment's minimum sslmode: by default verify-full in production and at least verify-ca in staging; require and verify-ca are warned about where the environment is unknown (config key `policy`).",
    defaultSeverity: "error",
    rationale: "sslmode=require encrypts the connection but accepts any certificate, so an attacker who can intercept traffic presents their own and reads everything, password included. verify-ca checks the certificate chain but not the host name, so any certificate from the same CA (for a managed provider: any other customer's) passes. Only verify-full checks both. Production must use it; staging, which usually holds copies of real data, needs at least verify-ca. Each finding names the environment and where it was read (a file name, a directory, a namespace, a variable prefix); the minimum per environment is set with `policy` in the sslguard config.",
    messages: {
      production: "{{environment}} requires sslmode=verify-full; {{subject}} {{mode}}, {{weakness}}. Use sslmode=verify-full with sslrootcert=<CA file>.",
      staging: "{{environment}} requires at least sslmode=verify-ca; {{subject}} {{mode}}, {{weakness}}. Use sslmode=verify-full (or verify-ca) with sslrootcert=<CA file>.",
      unknown: "Environment {{environment}}: {{subject}} {{mode}}, {{weakness}}. Use sslmode=verify-full with sslrootcert=<CA file>, or map the file to its environment in the sslguard config.",
      consumerProduction: "{{environment}} requires full verification; connection to {{host}}: {{because}}, {{weakness}}. {{fix}}",
      consumerStaging: "{{environment}} requires at least a CA check; connection to {{host}}: {{because}}, {{weakness}}. {{fix}}",
      consumerUnknown: "Environment {{environment}}: connection to {{host}}: {{because}}, {{weakness}}. {{fix}}",
      codeProduction: "{{environment}} requires full verification; {{subject}}: {{because}}, {{weakness}}. {{fix}}",
      codeStaging: "{{environment}} requires at least a CA check; {{subject}}: {{because}}, {{weakness}}. {{fix}}",
      codeUnknown: "Environment {{environment}}: {{subject}}: {{because}}, {{weakness}}. {{fix}}"
    },
    looksAt: [
      "`sslmode` and `ssl=` of connection strings, with the consumer's meaning (node-postgres and pgjdbc read `ssl=true` as verified TLS, libpq as require)",
      "sslmode settings of every unit, by the environment of the file, namespace, MCP server name or variable prefix (`values-prod.yaml`, `Dockerfile.prod` included)",
      "Python: asyncpg `ssl='require'|'verify-ca'`, psycopg `sslmode=` keyword arguments, Django `OPTIONS['sslmode']`, dj-database-url `ssl_require=True`, also as the default of `os.getenv('PGSSLMODE', 'require')`"
    ],
    examples: {
      good: [
        {
          file: "k8s/production/deploy.yaml",
          code: PRODUCTION_DEPLOYMENT_ENV + "            - name: DATABASE_URL\n              value: postgres://orders@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=verify-full&sslrootcert=/etc/ssl/rds/global-bundle.pem\n"
        },
        {
          file: ".env.staging",
          code: "DATABASE_URL=postgresql://app:${DB_PASSWORD}@staging-db.internal.acme.io:5432/app?sslmode=verify-ca&sslrootcert=/etc/ssl/acme/ca.crt\n"
        },
        {
          file: ".env.development",
          code: "DATABASE_URL=postgresql://app:${DB_PASSWORD}@dev-db.internal.acme.io:5432/app?sslmode=require\n"
        }
      ],
      bad: [
        {
          file: "k8s/production/deploy.yaml",
          code: PRODUCTION_DEPLOYMENT_ENV + "            - name: DATABASE_URL\n              value: postgres://orders@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=require\n",
          findings: 1
        },
        {
          file: ".env.staging",
          code: "DATABASE_URL=postgresql://app:${DB_PASSWORD}@staging-db.internal.acme.io:5432/app\nPGSSLMODE=require\n",
          findings: 1
        }
      ]
    }
  },
  check(facts, ctx) {
    for (const c of facts.ofKind("connection")) {
      if (c.tlsInCode)
        continue;
      if (isTlsOverHttps(c))
        continue;
      if (!isOffMachine2(c))
        continue;
      const known = connectionTls(c, facts);
      if (known) {
        if (known.consumer === "prisma" || !hasUrlTls(c) || known.setting)
          continue;
        if ([c.sslmode, c.ssl].some((p2) => p2?.value.trim().toLowerCase() === "no-verify"))
          continue;
        const p = known.effect.protection;
        const as = p === "encrypted-unverified" ? "require" : p === "ca-verified" ? "verify-ca" : void 0;
        const verdict2 = as && judge(as, c.environment, ctx.config);
        if (!as || !verdict2)
          continue;
        ctx.report({
          fact: c,
          span: tlsSpan(c),
          messageId: `consumer${verdict2.messageId[0].toUpperCase()}${verdict2.messageId.slice(1)}`,
          severity: verdict2.severity,
          data: {
            environment: environmentOf2(c),
            host: hostLabel(c),
            because: known.effect.because,
            weakness: WEAKNESS[as],
            fix: CONSUMER_FIX[known.consumer]
          },
          consumer: known.consumer,
          effectiveTls: p
        });
        continue;
      }
      const eff = effectiveSslMode(c, facts);
      if (!eff || eff.origin === "setting")
        continue;
      const verdict = judge(eff.mode, c.environment, ctx.config);
      if (!verdict)
        continue;
      ctx.report({
        fact: c,
        span: eff.span,
        messageId: verdict.messageId,
        severity: verdict.severity,
        data: {
          environment: environmentOf2(c),
          subject: "this connection uses",
          mode: eff.origin === "ssl" ? `${eff.written}, i.e. ${eff.mode}` : eff.mode,
          weakness: WEAKNESS[eff.mode]
        },
        consumer: "unknown",
        effectiveTls: protectionOfLibpqMode(eff.mode)
      });
    }
    for (const t of facts.ofKind("tls-options")) {
      const py = codeModeTls(t);
      const p = py?.effect.protection;
      const as = p === "encrypted-unverified" ? "require" : p === "ca-verified" ? "verify-ca" : void 0;
      if (!py || !as || targetsLocalHost(t, ctx.config.localHosts))
        continue;
      const verdict = judge(as, t.environment, ctx.config);
      if (!verdict)
        continue;
      ctx.report({
        fact: t,
        span: py.option.span,
        messageId: `code${verdict.messageId[0].toUpperCase()}${verdict.messageId.slice(1)}`,
        severity: verdict.severity,
        data: { environment: environmentOf2(t), subject: py.subject, because: py.effect.because, weakness: WEAKNESS[as], fix: py.fix },
        consumer: py.consumer,
        effectiveTls: p
      });
    }
    for (const s of facts.ofKind("setting")) {
      if (s.category !== "sslmode" || settingIsAllLocal(facts, s))
        continue;
      if (s.environment.name === "unknown" && settingConnections(facts, s).length === 0)
        continue;
      if (settingHarmlessForConsumers(facts, s, "full-verified"))
        continue;
      const mode = modeOfSetting(s);
      const verdict = judge(mode, s.environment, ctx.config);
      if (!verdict)
        continue;
      ctx.report({
        fact: s,
        messageId: verdict.messageId,
        severity: verdict.severity,
        data: {
          environment: environmentOf2(s),
          subject: `\`${s.name}\` makes every connection of ${describeUnit(s.unit)} that sets no sslmode use`,
          mode,
          weakness: WEAKNESS[mode]
        }
      });
    }
  }
});

// dist/rules/no-reject-unauthorized.js
var no_reject_unauthorized_default = defineRule({
  meta: {
    id: "no-reject-unauthorized",
    description: "Certificate verification must not be switched off (rejectUnauthorized: false, NODE_TLS_REJECT_UNAUTHORIZED=0, sslmode=no-verify).",
    defaultSeverity: "error",
    rationale: 'TLS without certificate verification encrypts the connection to whoever answers: an attacker on the path presents any certificate, decrypts the traffic, reads the password and forwards the rest. `rejectUnauthorized: false` is the usual workaround for "self-signed certificate in certificate chain"; the fix is to give the client the CA that signed the server\'s certificate. NODE_TLS_REJECT_UNAUTHORIZED=0 is worse: it turns verification off for every TLS connection of the process.',
    messages: {
      tlsOption: "`rejectUnauthorized: {{value}}` switches off certificate verification: anyone on the path can impersonate the server and read the password. Remove it and pass the CA that signed the server's certificate: `ssl: { ca: fs.readFileSync('/path/to/ca.crt', 'utf8') }`.",
      tlsOptionDefault: "`rejectUnauthorized` is {{value}} unless {{variable}} is set: certificate verification is off by default, so every deployment that does not set it lets anyone on the path impersonate the server and read the password. Make verification the default (`rejectUnauthorized: process.env.{{variable}} !== 'false'`) and pass the CA that signed the server's certificate.",
      tlsOptionOptIn: "`rejectUnauthorized: {{value}}` applies only while `{{test}}`: an escape hatch that switches certificate verification off wherever that variable is set. Prefer trusting the server's CA (`ca: fs.readFileSync(\u2026)`) to turning verification off, and keep the variable out of production.",
      tlsOptionUnknownSink: "`rejectUnauthorized: {{value}}` in an object that sslguard cannot follow to a TLS client (the sink is unknown): wherever it is used, it switches off certificate verification, so anyone on the path can impersonate the server. Remove it and pass the CA that signed the server's certificate: `ca: fs.readFileSync('/path/to/ca.crt', 'utf8')`.",
      sslNoVerify: "`ssl: 'no-verify'` makes {{library}} connect with rejectUnauthorized: false: anyone on the path can impersonate the server and read the password. Pass the server's CA instead: `ssl: { ca: fs.readFileSync('/path/to/ca.crt', 'utf8') }`.",
      sslRequireUnverified: "{{library}} reads `ssl: 'require'` as TLS without certificate verification (rejectUnauthorized: false): anyone on the path can impersonate the server and read the password. Use `ssl: 'verify-full'`, or pass the server's CA: `ssl: { ca: fs.readFileSync('/path/to/ca.crt', 'utf8') }`.",
      checkServerIdentity: "`checkServerIdentity` accepts every host name: the certificate chain is still checked but not that it was issued for this server (like sslmode=verify-ca), so any certificate from a trusted CA passes. Remove the callback, or return an Error when the name does not match (call `tls.checkServerIdentity(host, cert)` first).",
      pythonCertNone: "`{{written}}` switches off certificate verification for {{library}}: anyone on the path can impersonate the server and read the password. Create the context with the server's CA instead, `ssl.create_default_context(cafile='<CA file>')`, and leave verify_mode and check_hostname at their defaults.",
      pythonCheckHostname: "`{{written}}` turns off the host name check for {{library}}: the chain is still checked but not that the certificate was issued for this server (like sslmode=verify-ca), so any certificate from a trusted CA passes. Remove the line (check_hostname is True in `ssl.create_default_context()`).",
      nodeTlsFalse: "{{name}}={{value}} does not turn verification off: Node does that only for the exact string '0', so this line has no effect and only states the intent. Remove it; if a certificate error is the reason, give the client the server's CA (NODE_EXTRA_CA_CERTS=<CA file>).",
      nodeTls: "NODE_TLS_REJECT_UNAUTHORIZED=0: verification is off for every TLS connection of the process (Postgres, HTTPS, everything). Remove it and give the client the server's CA instead (sslrootcert=<CA file>, or NODE_EXTRA_CA_CERTS=<CA file> for Node's own TLS).",
      setting: "{{name}}={{value}} switches off certificate verification: anyone on the path can impersonate the server and read the password. Set it to true and give the client the CA that signed the server's certificate.",
      noVerify: "Connection to {{host}} uses {{written}}: TLS without certificate verification, so anyone on the path can impersonate the server and read the password. Use sslmode=verify-full with sslrootcert=<CA file>.",
      settingNoVerify: "{{name}}=no-verify makes the connections of this unit use TLS without certificate verification: anyone on the path can impersonate the server and read the password. Use {{name}}=verify-full with PGSSLROOTCERT=<CA file>.",
      sslaccept: "Connection to {{host}} uses sslaccept=accept_invalid_certs: Prisma accepts any certificate, so anyone on the path can impersonate the server and read the password. Use sslaccept=strict with sslcert=<CA file> (in Prisma, sslcert names the server's root certificate)."
    },
    looksAt: [
      "`rejectUnauthorized: false` in TS/JS, and a default that is off when the environment variable is missing (`env.bool('DATABASE_SSL_REJECT_UNAUTHORIZED', false)`, `process.env.X === 'true'`, `process.env.X ?? false`)",
      "`NODE_TLS_REJECT_UNAUTHORIZED=0` in every format; `*_REJECT_UNAUTHORIZED`, Directus `DB_SSL__REJECT_UNAUTHORIZED`, JSON-valued variables (`DB_SSL='{\"rejectUnauthorized\":false}'`), Helm `*.rejectUnauthorized` keys",
      "`sslmode=no-verify`, `ssl=no-verify`, `sslaccept=accept_invalid_certs` in connection strings; `PGSSLMODE=no-verify`",
      "Python: an `ssl` context with `verify_mode = ssl.CERT_NONE` or `check_hostname = False`, `ssl._create_unverified_context()`, handed to asyncpg (`ssl=ctx`) or SQLAlchemy (`connect_args`); a warning when it reaches no known client in a file that uses one"
    ],
    examples: {
      good: [
        {
          file: "src/db.ts",
          code: "import fs from 'node:fs';\nimport pg from 'pg';\n\nexport const pool = new pg.Pool({\n  connectionString: process.env.DATABASE_URL,\n  ssl: { ca: fs.readFileSync('/etc/ssl/certs/supabase-ca.crt', 'utf8') },\n});\n"
        },
        {
          file: ".env.production",
          code: "DATABASE_URL=postgresql://app:${DB_PASSWORD}@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/etc/ssl/certs/supabase-ca.crt\n"
        }
      ],
      bad: [
        {
          file: "src/db.ts",
          code: "import pg from 'pg';\n\nexport const pool = new pg.Pool({\n  connectionString: process.env.DATABASE_URL,\n  ssl: { rejectUnauthorized: false },\n});\n",
          findings: 1
        },
        {
          file: "src/db.ts",
          code: "import pg from 'pg';\n\n// Verification stays off unless DB_SSL_REJECT_UNAUTHORIZED=true is set.\nexport const pool = new pg.Pool({\n  connectionString: process.env.DATABASE_URL,\n  ssl: { rejectUnauthorized: process.env.DB_SSL_REJECT_UNAUTHORIZED === 'true' },\n});\n",
          findings: 1
        },
        {
          file: "docker-compose.yml",
          code: 'services:\n  api:\n    image: ghcr.io/acme/api:1.4.2\n    environment:\n      NODE_TLS_REJECT_UNAUTHORIZED: "0"\n      DATABASE_URL: postgres://app:${DB_PASSWORD}@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=no-verify\n',
          findings: 2
        },
        {
          file: "src/db.ts",
          code: "import postgres from 'postgres';\n\nexport const sql = postgres(process.env.DATABASE_URL!, { ssl: 'require', max: 10 });\n",
          findings: 1
        },
        {
          file: "src/billing/client.ts",
          code: "import https from 'node:https';\n\nexport const agent = new https.Agent({\n  ca: process.env.BILLING_CA,\n  checkServerIdentity: () => undefined,\n});\n",
          findings: 1
        }
      ]
    }
  },
  check(facts, ctx) {
    for (const t of facts.ofKind("tls-options")) {
      if (targetsLocalHost(t, ctx.config.localHosts))
        continue;
      const context = pythonContextTls(t);
      if (context) {
        const written = context.option.written ?? (context.kind === "cert-none" ? "verify_mode = ssl.CERT_NONE" : "check_hostname = False");
        const unknownSink = t.driver === "python:ssl";
        const tags = t.driver === "asyncpg" ? { consumer: "asyncpg", effectiveTls: context.kind === "cert-none" ? "encrypted-unverified" : "ca-verified" } : {};
        if (context.kind === "cert-none")
          ctx.report({ fact: t, span: context.option.span, messageId: "pythonCertNone", data: { written, library: context.library }, ...tags, ...unknownSink ? { severity: "warning" } : {} });
        else
          ctx.report({ fact: t, span: context.option.span, messageId: "pythonCheckHostname", data: { written, library: context.library }, ...tags, severity: "warning" });
      }
      for (const off of unverifiedTls(t)) {
        const span = off.option.span;
        if (off.kind === "reject-unauthorized") {
          const value = off.written.slice("rejectUnauthorized: ".length);
          if (off.option.onlyWhen) {
            ctx.report({ fact: t, span, messageId: "tlsOptionOptIn", severity: "warning", data: { value, test: off.option.onlyWhen } });
          } else if (off.option.whenUnset) {
            ctx.report({ fact: t, span, messageId: "tlsOptionDefault", data: { value, variable: off.option.whenUnset }, ...t.sink ? {} : { severity: "warning" } });
          } else if (t.sink)
            ctx.report({ fact: t, span, messageId: "tlsOption", data: { value } });
          else
            ctx.report({ fact: t, span, messageId: "tlsOptionUnknownSink", data: { value }, severity: "warning" });
        } else if (off.kind === "no-verify") {
          ctx.report({ fact: t, span, messageId: "sslNoVerify", data: { library: libraryName(t) } });
        } else if (off.kind === "require-unverified") {
          ctx.report({ fact: t, span, messageId: "sslRequireUnverified", data: { library: libraryName(t) } });
        } else {
          ctx.report({ fact: t, span, messageId: "checkServerIdentity", severity: "warning" });
        }
      }
    }
    for (const s of facts.ofKind("setting")) {
      if (s.category === "node-tls-reject-unauthorized") {
        if (s.value?.trim().toLowerCase() === "false") {
          ctx.report({ fact: s, messageId: "nodeTlsFalse", severity: "warning", data: { name: s.name, value: s.value.trim() } });
          continue;
        }
        if (s.value !== "0")
          continue;
        ctx.report({ fact: s, messageId: "nodeTls", ...s.environment.name === "development" ? { severity: "warning" } : {} });
      } else if (s.category === "reject-unauthorized") {
        const v = s.value?.trim().toLowerCase();
        if (v !== "false" && v !== "0")
          continue;
        ctx.report({ fact: s, messageId: "setting", data: { name: s.name, value: s.value.trim() } });
      } else if (s.category === "sslmode" && modeOfSetting(s) === "no-verify" && !settingIsAllLocal(facts, s)) {
        ctx.report({ fact: s, messageId: "settingNoVerify", data: { name: s.name } });
      }
    }
    for (const c of facts.ofKind("connection")) {
      if (c.tlsInCode)
        continue;
      if (isTlsOverHttps(c))
        continue;
      if (isAllLocal(c))
        continue;
      const host = hostLabel(c);
      const known = connectionTls(c, facts);
      if (known?.consumer === "prisma")
        continue;
      if (known && known.effect.protection !== "encrypted-unverified")
        continue;
      const tags = { consumer: known?.consumer ?? "unknown", effectiveTls: "encrypted-unverified" };
      for (const p of [c.sslmode && { key: "sslmode", param: c.sslmode }, c.ssl && { key: "ssl", param: c.ssl }]) {
        if (!p || p.param.value.trim().toLowerCase() !== "no-verify")
          continue;
        ctx.report({ fact: c, span: p.param.span, messageId: "noVerify", data: { host, written: `${p.key}=no-verify` }, ...tags });
      }
      if (!known && c.sslaccept && c.sslaccept.value.trim().toLowerCase() === "accept_invalid_certs") {
        ctx.report({ fact: c, span: c.sslaccept.span, messageId: "sslaccept", data: { host }, consumer: "unknown" });
      }
    }
  }
});

// dist/rules/require-root-cert.js
var FAILS = 'libpq then looks for ~/.postgresql/root.crt and fails without it ("root certificate file does not exist")';
function isVerifying(mode) {
  return mode === "verify-ca" || mode === "verify-full";
}
function settingLacksRootCert(facts, s) {
  if (!isVerifying(modeOfSetting(s)))
    return false;
  for (const unit of [s.unit, ...s.unit ? facts.usersOf?.(s.unit.id) ?? [] : []]) {
    if (unitSettings(facts, unit, "sslrootcert").length > 0)
      return false;
  }
  if (settingConnections(facts, s).some((c) => c.sslrootcert))
    return false;
  return !hasCaInCode(facts, s);
}
var require_root_cert_default = defineRule({
  meta: {
    id: "require-root-cert",
    description: "sslmode=verify-ca and verify-full need a root certificate: sslrootcert in the string, PGSSLROOTCERT, or `ca` in code.",
    defaultSeverity: "warning",
    rationale: "Verification needs something to verify against. Without sslrootcert, libpq reads ~/.postgresql/root.crt, which exists on one developer's laptop and nowhere else, so the connection works locally and fails in the container, the CI job or the MCP client. Name the CA file explicitly, or use sslrootcert=system (libpq 16+) to trust the operating system's CA store.",
    messages: {
      connection: "Connection to {{host}} uses {{mode}} but names no root certificate: " + FAILS + ". Set sslrootcert=/absolute/path/ca.crt, or sslrootcert=system to trust the operating system's CA store (libpq 16+).",
      setting: "{{written}} but {{scope}} names no root certificate: " + FAILS + ". Set PGSSLROOTCERT=/absolute/path/ca.crt, or PGSSLROOTCERT=system to trust the operating system's CA store (libpq 16+)."
    },
    looksAt: [
      "connections and sslmode settings with verify-ca or verify-full",
      "`sslrootcert`, `PGSSLROOTCERT` in the unit and in the units that inherit it, `ca` in TS/JS; node-postgres `ssl=true` and `DB_SSL=true` use the system's CAs and need none"
    ],
    examples: {
      good: [
        {
          file: ".env.production",
          code: "DATABASE_URL=postgresql://app:${DB_PASSWORD}@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/etc/ssl/certs/supabase-ca.crt\n"
        },
        {
          file: "docker-compose.yml",
          code: "services:\n  worker:\n    image: ghcr.io/acme/worker:2.0.1\n    environment:\n      DATABASE_URL: postgres://worker:${DB_PASSWORD}@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders\n      PGSSLMODE: verify-full\n      PGSSLROOTCERT: /run/secrets/rds-ca.pem\n"
        }
      ],
      bad: [
        {
          file: ".env.production",
          code: "DATABASE_URL=postgresql://app:${DB_PASSWORD}@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full\n",
          findings: 1
        },
        {
          file: "docker-compose.yml",
          code: "services:\n  worker:\n    image: ghcr.io/acme/worker:2.0.1\n    environment:\n      DATABASE_URL: postgres://worker:${DB_PASSWORD}@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders\n      PGSSLMODE: verify-full\n",
          findings: 1
        }
      ]
    }
  },
  check(facts, ctx) {
    for (const c of facts.ofKind("connection")) {
      if (c.tlsInCode)
        continue;
      if (isTlsOverHttps(c))
        continue;
      if (!isOffMachine2(c) || c.sslrootcert)
        continue;
      const consumer = consumerOf(c);
      if (consumer && consumer !== "libpq")
        continue;
      const eff = effectiveSslMode(c, facts);
      if (!eff || !isVerifying(eff.mode) || eff.systemCa)
        continue;
      if (eff.setting && settingLacksRootCert(facts, eff.setting))
        continue;
      if (unitSettings(facts, c.unit, "sslrootcert").length > 0 || hasCaInCode(facts, c))
        continue;
      ctx.report({ fact: c, span: eff.origin === "setting" ? c.span : eff.span, messageId: "connection", data: { host: hostLabel(c), mode: eff.origin === "sslmode" ? eff.written : `${eff.mode} (${eff.written})` } });
    }
    for (const s of facts.ofKind("setting")) {
      if (s.category !== "sslmode" || !settingLacksRootCert(facts, s))
        continue;
      if (s.format === "helm-values" && settingConnections(facts, s).length === 0)
        continue;
      ctx.report({ fact: s, messageId: "setting", data: { written: `${s.name}=${s.value ?? ""}`, scope: describeUnit(s.unit) } });
    }
  }
});

// dist/src/policy/paths.js
function isRelativePath(value) {
  const v = value.trim();
  if (v === "")
    return false;
  if (v.startsWith("/") || v.startsWith("~"))
    return false;
  if (/^[A-Za-z]:[\\/]/.test(v))
    return false;
  if (v.startsWith("\\\\"))
    return false;
  if (v.toLowerCase() === "system")
    return false;
  if (/^\$(\{[^}]*\}|[A-Za-z_]\w*)/.test(v))
    return false;
  return true;
}

// dist/rules/absolute-cert-path.js
var PARAMS = ["sslrootcert", "sslcert", "sslkey"];
var SETTING_FORMATS = /* @__PURE__ */ new Set(["mcp", "compose", "kubernetes", "dockerfile", "helm-values"]);
function whoseDirectory(format) {
  if (format === "mcp")
    return "the MCP client's working directory";
  if (format === "compose" || format === "kubernetes" || format === "dockerfile" || format === "helm-values")
    return "the container's working directory";
  return "the working directory of the process that connects";
}
var absolute_cert_path_default = defineRule({
  meta: {
    id: "absolute-cert-path",
    description: "sslrootcert, sslcert and sslkey, and certificate path variables (*SSL_CERT_PATH*, *_SSL_CA*), must be absolute paths.",
    defaultSeverity: "warning",
    rationale: 'libpq resolves a relative certificate path against the current working directory of the process that connects, not against the file that names it. An MCP client starts servers in its own directory (often / or the home directory), a container in its WORKDIR, so `certs/ca.crt` that works from the repository root fails everywhere else, typically with "could not read root certificate file".',
    messages: {
      relative: "{{name}}={{value}} is a relative path: libpq resolves it against {{who}}, which is not the repository. Write an absolute path (e.g. {{name}}=/etc/ssl/postgres/{{example}}).",
      relativeVariable: "{{name}}={{value}} is a relative path: the program that reads it resolves it against {{who}}, which is not the repository. Write an absolute path (e.g. {{name}}=/etc/ssl/postgres/{{example}})."
    },
    looksAt: [
      "`sslrootcert`, `sslcert`, `sslkey` in every connection string",
      "`PGSSLROOTCERT`/`PGSSLCERT`/`PGSSLKEY` and certificate path variables (`*SSL_CERT_PATH*`, `*_SSL_CA*`, `DB_SSL__CA_FILE`) in MCP configs, compose, Kubernetes, Dockerfiles and Helm values"
    ],
    examples: {
      good: [
        {
          file: ".cursor/mcp.json",
          code: '{\n  "mcpServers": {\n    "postgres": {\n      "command": "npx",\n      "args": ["-y", "@modelcontextprotocol/server-postgres", "postgresql://readonly@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/Users/dev/certs/supabase-ca.crt"]\n    }\n  }\n}\n'
        },
        {
          file: "docker-compose.yml",
          code: "services:\n  api:\n    image: ghcr.io/acme/api:1.4.2\n    environment:\n      PGSSLROOTCERT: /run/secrets/db-ca.crt\n    secrets:\n      - db-ca.crt\nsecrets:\n  db-ca.crt:\n    file: ./certs/ca.crt\n"
        }
      ],
      bad: [
        {
          file: ".cursor/mcp.json",
          code: '{\n  "mcpServers": {\n    "postgres": {\n      "command": "npx",\n      "args": ["-y", "@modelcontextprotocol/server-postgres", "postgresql://readonly@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=certs/supabase-ca.crt"]\n    }\n  }\n}\n',
          findings: 1
        },
        {
          file: "docker-compose.yml",
          code: "services:\n  api:\n    image: ghcr.io/acme/api:1.4.2\n    environment:\n      PGSSLROOTCERT: ./certs/ca.crt\n",
          findings: 1
        }
      ]
    }
  },
  check(facts, ctx) {
    for (const c of facts.ofKind("connection")) {
      if (isTlsOverHttps(c))
        continue;
      if (consumerOf(c) === "prisma")
        continue;
      for (const name of PARAMS) {
        const p = c[name];
        if (!p || !isRelativePath(p.value))
          continue;
        ctx.report({
          fact: c,
          span: p.span,
          messageId: "relative",
          data: { name, value: p.value, who: whoseDirectory(c.format), example: exampleFile(name) }
        });
      }
    }
    for (const s of facts.ofKind("setting")) {
      if (s.category !== "sslrootcert" && s.category !== "sslcert" && s.category !== "sslkey" && s.category !== "cert-path")
        continue;
      if (!SETTING_FORMATS.has(s.format) || s.value === void 0 || !isRelativePath(s.value))
        continue;
      const variable = s.category === "cert-path";
      ctx.report({
        fact: s,
        span: s.valueSpan,
        messageId: variable ? "relativeVariable" : "relative",
        data: { name: s.name, value: s.value, who: whoseDirectory(s.format), example: exampleFile(s.category === "cert-path" ? certPathKind(s.name) : s.category) }
      });
    }
  }
});
function certPathKind(name) {
  if (/KEY/i.test(name))
    return "sslkey";
  return /(^|_)CA|ROOT/i.test(name) ? "sslrootcert" : "sslcert";
}
function exampleFile(kind) {
  return kind === "sslrootcert" ? "ca.crt" : kind === "sslcert" ? "client.crt" : "client.key";
}

// dist/rules/verify-full-ip-host.js
var verify_full_ip_host_default = defineRule({
  meta: {
    id: "verify-full-ip-host",
    description: "sslmode=verify-full needs a host name that the server certificate carries; an IP address usually is not one.",
    defaultSeverity: "warning",
    rationale: 'verify-full compares the host you connect to with the names in the server certificate. Certificates are issued for DNS names and rarely carry IP addresses as subjectAltName entries, so connecting to 10.0.3.17 fails with "server certificate does not match host name" and the usual reaction is to downgrade to require. Connect by the DNS name instead.',
    messages: {
      ipHost: "Connection to {{host}} uses verify-full with an IP address: the host name check compares {{host}} with the names in the server's certificate and fails unless the certificate carries that IP as a subjectAltName. Connect by the DNS name the certificate was issued for."
    },
    looksAt: [
      "hosts written as IP literals in connections whose effective sslmode is verify-full"
    ],
    examples: {
      good: [
        {
          file: ".env.production",
          code: "DATABASE_URL=postgresql://app:${DB_PASSWORD}@pg-primary.internal.acme.io:5432/app?sslmode=verify-full&sslrootcert=/etc/ssl/acme/ca.crt\n"
        }
      ],
      bad: [
        {
          file: ".env.production",
          code: "DATABASE_URL=postgresql://app:${DB_PASSWORD}@10.20.3.17:5432/app?sslmode=verify-full&sslrootcert=/etc/ssl/acme/ca.crt\n",
          findings: 1
        }
      ]
    }
  },
  check(facts, ctx) {
    for (const c of facts.ofKind("connection")) {
      if (c.tlsInCode)
        continue;
      if (isTlsOverHttps(c))
        continue;
      if (!c.hosts.some((h) => h.ip))
        continue;
      if (effectiveSslMode(c, facts)?.mode !== "verify-full")
        continue;
      for (const h of c.hosts) {
        if (!h.ip)
          continue;
        ctx.report({ fact: c, ...h.span ? { span: h.span } : {}, messageId: "ipHost", data: { host: h.ip === "v6" ? `[${h.host}]` : h.host } });
      }
    }
  }
});

// dist/rules/tls-min-version.js
var OLD_VERSIONS = /* @__PURE__ */ new Set(["tlsv1", "tlsv1.0", "tlsv1.1"]);
var OLD_METHOD = /^(SSLv3|TLSv1|TLSv1_1)_(client_|server_)?method$/;
function isOldVersion(value) {
  return OLD_VERSIONS.has(value.trim().toLowerCase());
}
var tls_min_version_default = defineRule({
  meta: {
    id: "tls-min-version",
    description: "TLS 1.0 and 1.1 (and SSLv3) must not be allowed; the minimum is TLS 1.2.",
    defaultSeverity: "error",
    rationale: "TLS 1.0 and 1.1 were deprecated by RFC 8996 in 2021: they rely on SHA-1 and CBC constructions with known attacks, and current PostgreSQL (ssl_min_protocol_version defaults to TLSv1.2 since version 14) and managed providers refuse them. A configuration that lowers the floor only helps an attacker who forces a downgrade.",
    messages: {
      param: "ssl_min_protocol_version={{value}} allows a protocol deprecated by RFC 8996. Use TLSv1.2 or TLSv1.3: ssl_min_protocol_version=TLSv1.2.",
      setting: "{{name}}={{value}} allows a protocol deprecated by RFC 8996. Use TLSv1.2 or TLSv1.3: {{name}}=TLSv1.2.",
      minVersion: "`minVersion: '{{value}}'` allows a protocol deprecated by RFC 8996. Use TLSv1.2 or TLSv1.3: `minVersion: 'TLSv1.2'`.",
      serverSetting: "`{{written}}` sets a server parameter, not the client's minimum TLS version: asyncpg sends server_settings to PostgreSQL as run-time parameters, and ssl_min_protocol_version is the server's own setting (postgresql.conf), which a connection cannot change: PostgreSQL refuses the connection (\"parameter \"ssl_min_protocol_version\" cannot be changed now\"), and it never limits what asyncpg accepts. Remove it: asyncpg already refuses TLS below 1.2; to raise the client's minimum put `ssl_min_protocol_version=TLSv1.3` in the DSN, and set the server's in postgresql.conf.",
      secureProtocol: "`secureProtocol: '{{value}}'` pins a protocol deprecated by RFC 8996. Use TLSv1.2 or TLSv1.3: remove secureProtocol and set `minVersion: 'TLSv1.2'`."
    },
    looksAt: [
      "`ssl_min_protocol_version` in connection strings",
      "`PGSSLMINPROTOCOLVERSION`-style variables and Helm `minVersion` keys",
      "`minVersion` and `secureProtocol` in TS/JS TLS options",
      "Python: asyncpg `server_settings={'ssl_min_protocol_version': \u2026}`, a server parameter mistaken for the client's minimum (a warning)"
    ],
    examples: {
      good: [
        {
          file: ".env.production",
          code: "DATABASE_URL=postgresql://app:${DB_PASSWORD}@pg-primary.internal.acme.io:5432/app?sslmode=verify-full&sslrootcert=/etc/ssl/acme/ca.crt&ssl_min_protocol_version=TLSv1.3\n"
        },
        {
          file: "src/db.ts",
          code: "import fs from 'node:fs';\nimport pg from 'pg';\n\nexport const pool = new pg.Pool({\n  connectionString: process.env.DATABASE_URL,\n  ssl: { ca: fs.readFileSync('/etc/ssl/acme/ca.crt', 'utf8'), minVersion: 'TLSv1.2' },\n});\n"
        }
      ],
      bad: [
        {
          file: ".env.production",
          code: "DATABASE_URL=postgresql://app:${DB_PASSWORD}@pg-primary.internal.acme.io:5432/app?sslmode=verify-full&sslrootcert=/etc/ssl/acme/ca.crt&ssl_min_protocol_version=TLSv1\n",
          findings: 1
        },
        {
          file: "src/db.ts",
          code: "import fs from 'node:fs';\nimport pg from 'pg';\n\nexport const pool = new pg.Pool({\n  connectionString: process.env.DATABASE_URL,\n  ssl: { ca: fs.readFileSync('/etc/ssl/acme/ca.crt', 'utf8'), minVersion: 'TLSv1.1' },\n});\n",
          findings: 1
        }
      ]
    }
  },
  check(facts, ctx) {
    for (const c of facts.ofKind("connection")) {
      if (isTlsOverHttps(c))
        continue;
      const p = c.params["ssl_min_protocol_version"];
      if (!p || !isOldVersion(p.value))
        continue;
      ctx.report({ fact: c, span: p.span, messageId: "param", data: { value: p.value } });
    }
    for (const s of facts.ofKind("setting")) {
      if (s.category !== "ssl-min-protocol" || s.value === void 0 || !isOldVersion(s.value))
        continue;
      ctx.report({ fact: s, messageId: "setting", data: { name: s.name, value: s.value.trim() } });
    }
    for (const t of facts.ofKind("tls-options")) {
      for (const key of ["server_settings.ssl_min_protocol_version", "server_settings.ssl_max_protocol_version"]) {
        const o = t.options[key];
        if (o)
          ctx.report({ fact: t, span: o.span, messageId: "serverSetting", severity: "warning", data: { written: `server_settings={${o.written ?? key}}` } });
      }
      const min = t.options.minVersion;
      if (min && typeof min.value === "string" && isOldVersion(min.value)) {
        ctx.report({ fact: t, span: min.span, messageId: "minVersion", data: { value: min.value } });
      }
      const proto = t.options.secureProtocol;
      if (proto && typeof proto.value === "string" && OLD_METHOD.test(proto.value)) {
        ctx.report({ fact: t, span: proto.span, messageId: "secureProtocol", data: { value: proto.value } });
      }
    }
  }
});

// dist/rules/pg-sslmode-alias.js
var import_node_path11 = require("node:path");
var LIBPQ_MEANING = {
  prefer: "TLS only when the server offers it, and no certificate check",
  require: "TLS without certificate verification",
  "verify-ca": "the certificate chain is checked but not the host name"
};
function clientName(c, consumer) {
  if (consumer === "knex")
    return "knex";
  const context = clientContext(c);
  if (context.label)
    return context.label;
  const v = c.client;
  if (!context.version || !v)
    return "node-postgres";
  return `node-postgres (${context.version}${v.from ? `, ${v.how === "declared" ? "declared in" : "from"} ${import_node_path11.posix.basename(v.from)}` : ""})`;
}
var pg_sslmode_alias_default = defineRule({
  meta: {
    id: "pg-sslmode-alias",
    description: "A connection string read by node-postgres must not rely on sslmode=prefer, require or verify-ca, which pg treats as verify-full today and will read with their weaker libpq meaning in its next major version.",
    defaultSeverity: "warning",
    rationale: "node-postgres (through pg-connection-string) reads sslmode=prefer, require and verify-ca as aliases for verify-full: the certificate and the host name are both checked. pg-connection-string has announced that its next major version (with pg 9) gives these modes their libpq meaning, which is weaker: require will stop checking the certificate at all. A URL that is safe today silently loses verification on an upgrade. Writing sslmode=verify-full keeps today's behaviour on both versions; uselibpqcompat=true opts into the libpq meaning now, so the mode says what it does. Where the project's lockfile or package.json installs pg 9 (pg-connection-string 3), the modes already have their libpq meaning: this rule stays silent and the other rules judge the weaker mode (require-verify-full, no-reject-unauthorized).",
    messages: {
      alias: "{{client}} reads sslmode={{mode}} as verify-full today, but pg-connection-string has announced that its next major version gives it libpq's meaning: {{meaning}}. Write sslmode=verify-full to keep today's checks (connection to {{host}}), or add uselibpqcompat=true if you mean libpq's {{mode}}."
    },
    examples: {
      good: [
        {
          file: "src/db.ts",
          code: "import pg from 'pg';\n\nexport const pool = new pg.Pool({\n  connectionString: 'postgresql://app@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=verify-full',\n});\n"
        },
        {
          file: "src/reports.ts",
          code: "import { Client } from 'pg';\n\n// libpq's require, on purpose: the reporting replica sits behind a TLS-terminating proxy.\nexport const client = new Client('postgresql://reports@replica.internal.acme.io:5432/app?uselibpqcompat=true&sslmode=require');\n"
        }
      ],
      bad: [
        {
          file: "src/db.ts",
          code: "import pg from 'pg';\n\nexport const pool = new pg.Pool({\n  connectionString: 'postgresql://app@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=require',\n});\n",
          findings: 1
        },
        {
          file: ".cursor/mcp.json",
          code: '{\n  "mcpServers": {\n    "postgres": {\n      "command": "npx",\n      "args": ["-y", "@modelcontextprotocol/server-postgres", "postgresql://readonly@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-ca"]\n    }\n  }\n}\n',
          findings: 1
        }
      ]
    }
  },
  check(facts, ctx) {
    for (const c of facts.ofKind("connection")) {
      if (isTlsOverHttps(c))
        continue;
      const consumer = consumerOf(c);
      if (consumer !== "node-postgres" && consumer !== "knex" || !c.sslmode || isAllLocal(c))
        continue;
      const mode = c.sslmode.value.trim().toLowerCase();
      const meaning = LIBPQ_MEANING[mode];
      if (!meaning)
        continue;
      if (consumer !== "knex" && c.params["uselibpqcompat"]?.value.trim().toLowerCase() === "true")
        continue;
      if (consumer === "node-postgres" && clientContext(c).libpqModes)
        continue;
      ctx.report({ fact: c, span: c.sslmode.span, messageId: "alias", data: { client: clientName(c, consumer), mode, meaning, host: hostLabel(c) }, consumer });
    }
  }
});

// dist/rules/prisma-ssl.js
var prisma_ssl_default = defineRule({
  meta: {
    id: "prisma-ssl",
    description: "A Prisma connection string for a host off this machine must use sslmode=require with sslaccept=strict: Prisma reads verify-full and verify-ca as prefer, and checks no certificate by default.",
    defaultSeverity: "error",
    rationale: `Prisma's engine connects with its own Postgres client, not libpq. Its sslmode knows only disable, prefer and require: sslmode=verify-full and verify-ca, copied from a provider guide, are silently read as prefer, so TLS is optional and an attacker on the path can downgrade the connection to plaintext. Even with sslmode=require the certificate is not checked unless sslaccept=strict is set, because sslaccept defaults to accept_invalid_certs. Only sslmode=require&sslaccept=strict (with sslcert=<CA path>, the root CA, relative to the schema) verifies chain and host name. With a driver adapter (@prisma/adapter-pg) node-postgres reads the URL instead: where the project installs Prisma 7, or Prisma 6 with previewFeatures = ["driverAdapters"] and @prisma/adapter-pg (its lockfile or package.json says so), this rule stays silent and the connection is judged with node-postgres's meaning and advice.`,
    messages: {
      weak: "{{because}}, so {{consequence}} (connection to {{host}}). {{fix}}"
    },
    looksAt: [
      "`url`, `directUrl` and `shadowDatabaseUrl` of `datasource` blocks in `*.prisma` files: `sslmode`, `sslaccept`"
    ],
    examples: {
      good: [
        {
          file: "prisma/schema.prisma",
          code: 'datasource db {\n  provider = "postgresql"\n  url      = "postgresql://app@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=require&sslaccept=strict&sslcert=../certs/rds-global-bundle.pem"\n}\n'
        },
        {
          file: "prisma/schema.prisma",
          code: 'datasource db {\n  provider = "postgresql"\n  url      = "postgresql://postgres:postgres@localhost:5432/app_dev"\n}\n'
        }
      ],
      bad: [
        {
          file: "prisma/schema.prisma",
          code: 'datasource db {\n  provider = "postgresql"\n  url      = "postgresql://postgres.abcdefghijklmnop@aws-0-us-east-1.pooler.supabase.com:5432/postgres?sslmode=verify-full"\n}\n',
          findings: 1
        },
        {
          file: "prisma/schema.prisma",
          code: 'datasource db {\n  provider  = "postgresql"\n  url       = "postgresql://app@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=require"\n  directUrl = "postgresql://app@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders"\n}\n',
          findings: 2
        }
      ]
    }
  },
  check(facts, ctx) {
    for (const c of facts.ofKind("connection")) {
      if (!isOffMachine2(c))
        continue;
      const known = connectionTls(c, facts);
      if (known?.consumer !== "prisma")
        continue;
      const p = known.effect.protection;
      if (p === "full-verified")
        continue;
      ctx.report({
        fact: c,
        // Encrypted but unchecked: the sslaccept value, when written, is what to change.
        span: p === "encrypted-unverified" && c.sslaccept ? c.sslaccept.span : tlsSpan(c),
        messageId: "weak",
        data: { because: known.effect.because, consequence: consequenceOf(p), host: hostLabel(c), fix: CONSUMER_FIX.prisma },
        consumer: "prisma",
        ...p ? { effectiveTls: p } : {}
      });
    }
  }
});

// dist/rules/ignored-tls-setting.js
var PGSSLMODE_FIX = {
  "postgres.js": "Put sslmode=verify-full in the connection string, or pass `ssl: 'verify-full'` in code.",
  "deno-postgres": "Put sslmode=verify-full in the connection string, or pass `tls: { enforce: true }` in code.",
  prisma: "Put sslmode=require&sslaccept=strict&sslcert=<CA path> in the connection string."
};
function rejectedParam(c, name) {
  if (name === "ssl" || name === "sslrootcert" || name === "sslcert" || name === "sslkey" || name === "sslaccept")
    return c[name];
  return c.params[name];
}
function rejectedFix(consumer, name, value) {
  if (consumer === "sqlalchemy-asyncpg") {
    return "Remove it from the URL and pass TLS through `connect_args`: `connect_args={'ssl': ssl.create_default_context(cafile='<CA file>')}` (or `?ssl=verify-full` in the URL with PGSSLROOTCERT=<CA file>).";
  }
  if (consumer === "asyncpg") {
    return name === "sslrootcert" ? "asyncpg has no `system` keyword: give the CA file's path (sslrootcert=/path/to/ca.crt), or pass `ssl=ssl.create_default_context()` in code to verify against the system's CAs." : "Remove it: asyncpg reads sslmode (sslmode=verify-full with sslrootcert=<CA file>) and sends parameters it does not know to the server.";
  }
  switch (name) {
    case "sslrootcert":
      return value.trim().toLowerCase() === "system" ? "Remove it and use sslmode=verify-full: postgres.js then checks the certificate against Node's CAs." : `Remove it and pass the CA in code: \`ssl: { ca: fs.readFileSync('${value}', 'utf8') }\`.`;
    case "sslcert":
    case "sslkey":
      return "Remove it and pass the client certificate in code: `ssl: { cert: fs.readFileSync('/path/to/client.crt', 'utf8'), key: fs.readFileSync('/path/to/client.key', 'utf8') }`.";
    case "sslaccept":
      return consumer === "libpq" ? "Remove it: sslaccept is Prisma's parameter; for libpq write sslmode=verify-full with sslrootcert=<CA file>." : "Remove it: sslaccept is Prisma's parameter; for postgres.js write sslmode=verify-full.";
    case "uselibpqcompat":
      return "Remove it: only node-postgres reads uselibpqcompat.";
    default:
      return "Write sslmode instead: sslmode=verify-full with sslrootcert=<CA file> (libpq reads ssl only as ssl=true, meaning sslmode=require).";
  }
}
var UNREAD_FIX = {
  url: "Keep TLS settings in one place: remove sslmode and the other ssl parameters from the connection string so that `ssl` applies, or drop `ssl` and give the CA in the URL (sslrootcert=<CA file>).",
  "extra.ssl": "Merge these options into `extra.ssl`, or remove them.",
  nothing: "Move it to `dialectOptions.ssl`."
};
var ignored_tls_setting_default = defineRule({
  meta: {
    id: "ignored-tls-setting",
    description: "A TLS setting that the client reading the connection ignores or that another setting replaces, so it looks like protection and does nothing, or one the client or server rejects, so the connection fails.",
    defaultSeverity: "warning",
    rationale: 'Clients do not share libpq\'s settings. postgres.js, deno-postgres and Prisma never read PGSSLMODE, so a PGSSLMODE=verify-full beside them protects nothing; deno-postgres reads no sslrootcert; node-postgres reads sslrootcert=system as a file named "system" and fails to connect; knex\'s pinned pg-connection-string ignores uselibpqcompat. Such a setting documents an intent the client does not carry out, and the real protection is whatever the client does without it. Other parameters stop the connection: postgres.js sends sslrootcert, sslcert, sslkey, sslaccept and uselibpqcompat to the server as run-time parameters, which PostgreSQL refuses ("unrecognized configuration parameter"), and libpq (psql, pg_dump, psycopg) rejects a connection string with sslaccept, uselibpqcompat or any ssl= but ssl=true, typically a Prisma URL reused for a backup script. In code, node-postgres takes its TLS settings from a connection string that has any and drops the `ssl` option beside it (a CA in it included), TypeORM hands `extra.ssl` to node-postgres in place of `ssl`, and Sequelize 6 reads only `dialectOptions.ssl`, which a URL with TLS parameters replaces.',
    messages: {
      sslrootcert: "{{consumer}} ignores sslrootcert={{value}}: it reads no root certificate file from the connection string, so the CA is never used. Pass it in code: `tls: { caCertificates: [await Deno.readTextFile('{{value}}')] }`.",
      rootcertSystemIgnored: "{{consumer}} ignores sslrootcert=system: it does not make verify-full the default as libpq does, so TLS is not enforced and any TLS failure falls back to plaintext. Write sslmode=verify-full (Deno checks the certificate against the system roots).",
      rejected: "{{consumer}} fails to connect with {{written}} in the connection string: {{because}}. {{fix}}",
      droppedParam: "postgres.js ({{version}}) ignores {{written}}: versions before 3.2 drop the connection-string parameters they do not know, so it has no effect (3.2 and later send it to the server, which refuses the connection). {{fix}}",
      unreadOption: "{{library}} never reads this `ssl` option: {{because}}, so what it sets (certificate checks, a CA) does not apply. {{fix}}",
      rootcertSystem: `{{consumer}} reads sslrootcert=system as a file named "system": the connection fails, or uses whatever that file holds. Remove sslrootcert and use sslmode=verify-full ({{consumer}} then checks against Node's CAs).`,
      uselibpqcompat: "knex ignores uselibpqcompat={{value}}: its pinned pg-connection-string predates the flag and reads sslmode with pg's meaning (verify-full for prefer, require and verify-ca). Write the sslmode you mean: sslmode=verify-full, or sslmode=no-verify for TLS without certificate checks.",
      pgsslmode: "{{consumer}} ignores {{written}}: the connections of {{scope}} that {{consumer}} reads get nothing from it. {{fix}}"
    },
    looksAt: [
      "connection strings with a known client (driver call in code, Prisma schema, MCP server, psql/pg_dump command line): `sslrootcert` under deno-postgres, `sslrootcert=system` under node-postgres and knex, `uselibpqcompat` under knex",
      "parameters that make the connection fail: `sslrootcert`, `sslcert`, `sslkey`, `sslaccept`, `uselibpqcompat` under postgres.js; `sslaccept`, `uselibpqcompat` and `ssl=` other than `ssl=true` under libpq",
      "`PGSSLMODE` in the unit of a connection read by postgres.js, deno-postgres or Prisma",
      "TS/JS `ssl` options another source replaces: beside a `connectionString` with TLS parameters (node-postgres, knex, Drizzle), TypeORM `ssl` beside `extra.ssl` or a `url` with TLS parameters, Sequelize `dialectOptions.ssl` beside such a URL, and a top-level Sequelize `ssl`, which its postgres dialect never reads"
    ],
    examples: {
      good: [
        {
          file: "src/db.ts",
          code: "import postgres from 'postgres';\n\nexport const sql = postgres('postgres://app@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=verify-full');\n"
        }
      ],
      bad: [
        {
          file: "src/db.ts",
          code: "import postgres from 'postgres';\n\nexport const sql = postgres('postgres://app@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=verify-full&sslrootcert=/etc/ssl/rds/global-bundle.pem');\n",
          findings: 1
        },
        {
          file: "src/db.ts",
          code: "import pg from 'pg';\n\nexport const pool = new pg.Pool({ connectionString: 'postgresql://app@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=system' });\n",
          findings: 1
        },
        {
          file: "src/db.ts",
          code: "import fs from 'node:fs';\nimport pg from 'pg';\n\n// pg takes TLS settings from the URL alone: the RDS CA below never reaches it.\nexport const pool = new pg.Pool({\n  connectionString: 'postgresql://app@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=verify-full',\n  ssl: { ca: fs.readFileSync('/etc/ssl/certs/rds-global-bundle.pem', 'utf8') },\n});\n",
          findings: 1
        },
        {
          file: "package.json",
          code: `{
  "scripts": {
    "db:backup": "pg_dump --format=custom --file=backup.dump 'postgresql://app@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=require&sslaccept=strict'"
  }
}
`,
          findings: 1
        }
      ]
    }
  },
  check(facts, ctx) {
    for (const t of facts.ofKind("tls-options")) {
      const ssl = t.unread?.options["ssl"];
      if (!ssl || targetsLocalHost(t, ctx.config.localHosts))
        continue;
      ctx.report({ fact: t, span: ssl.span, messageId: "unreadOption", data: { library: libraryName(t), because: t.unread.because, fix: UNREAD_FIX[t.unread.by] } });
    }
    const reportedSettings = /* @__PURE__ */ new Set();
    for (const c of facts.ofKind("connection")) {
      if (c.tlsInCode)
        continue;
      if (isTlsOverHttps(c))
        continue;
      if (isAllLocal(c))
        continue;
      const known = connectionTls(c, facts);
      if (!known?.effect.ignored && !known?.effect.rejected)
        continue;
      const consumer = CONSUMER_NAMES[known.consumer];
      const tags = { consumer: known.consumer, ...known.effect.protection ? { effectiveTls: known.effect.protection } : {} };
      for (const name of known.effect.rejected ?? []) {
        const p = rejectedParam(c, name);
        if (!p)
          continue;
        ctx.report({
          fact: c,
          span: p.span,
          messageId: "rejected",
          data: { consumer, written: `${name}=${p.value}`, because: known.effect.because, fix: rejectedFix(known.consumer, name, p.value) },
          ...tags
        });
      }
      const context = clientContext(c);
      for (const what of known.effect.ignored ?? []) {
        const name = what === "sslrootcert=system" ? "sslrootcert" : what;
        const dropped = known.consumer === "postgres.js" && context.dropsUnknownParams ? rejectedParam(c, name) : void 0;
        if (dropped) {
          ctx.report({
            fact: c,
            span: dropped.span,
            messageId: "droppedParam",
            data: { version: context.version ?? "", written: `${name}=${dropped.value}`, fix: rejectedFix(known.consumer, name, dropped.value) },
            ...tags
          });
        } else if (what === "sslrootcert" && c.sslrootcert) {
          ctx.report({ fact: c, span: c.sslrootcert.span, messageId: "sslrootcert", data: { consumer, value: c.sslrootcert.value }, ...tags });
        } else if (what === "sslrootcert=system" && c.sslrootcert) {
          const messageId = known.consumer === "deno-postgres" ? "rootcertSystemIgnored" : "rootcertSystem";
          ctx.report({ fact: c, span: c.sslrootcert.span, messageId, data: { consumer }, ...tags });
        } else if (what.startsWith("uselibpqcompat=") && c.params["uselibpqcompat"]) {
          const p = c.params["uselibpqcompat"];
          ctx.report({ fact: c, span: p.span, messageId: "uselibpqcompat", data: { value: p.value }, ...tags });
        } else if (what.startsWith("PGSSLMODE=")) {
          const s = unitPgsslmode(facts, c);
          if (!s || reportedSettings.has(s))
            continue;
          reportedSettings.add(s);
          const fix = PGSSLMODE_FIX[known.consumer] ?? "";
          ctx.report({
            fact: s,
            messageId: "pgsslmode",
            data: { consumer, written: `${s.name}=${s.value ?? ""}`, scope: describeUnit(s.unit), fix },
            ...tags
          });
        }
      }
    }
  }
});

// dist/src/policy/git.js
function wouldCommit(f) {
  return f.tracked === true || f.ignored === false;
}
function isTrackedButIgnored(f) {
  return f.tracked === true && f.ignored === true;
}
function isKeptOutOfGit(facts, file) {
  return facts.ofKind("file").some((f) => f.file === file && f.ignored === true && f.tracked !== true);
}
function gitFix(f) {
  const repo = f.repository;
  if (!repo)
    return { rm: `git rm --cached ${f.file}`, entry: f.file, gitignore: ".gitignore" };
  const here = repo.root === "." || repo.root === "";
  return {
    rm: here ? `git rm --cached ${repo.path}` : `git -C ${repo.root} rm --cached ${repo.path}`,
    entry: repo.path,
    gitignore: here ? ".gitignore" : `${repo.root}/.gitignore`
  };
}

// dist/rules/no-plaintext-password.js
function fixFor2(fact3) {
  if (isTemplatePath((fact3.writtenIn ? fact3.via?.[0]?.file : void 0) ?? fact3.file)) {
    return "This template is copied by everyone who sets the project up: write a placeholder (`<password>`) instead, and rotate the password it held.";
  }
  if ((fact3.writtenIn ?? fact3.unit)?.kind === "k8s-secret") {
    return "Keep the Secret out of git: create it from the cluster (kubectl create secret) or commit it encrypted with sealed-secrets, or sync it with external-secrets.";
  }
  switch (fact3.format) {
    case "kubernetes":
      return "Put it in a Secret and reference it with `valueFrom.secretKeyRef`.";
    case "compose":
      return "Use compose `secrets:`, or `${DB_PASSWORD}` taken from an uncommitted .env file.";
    case "mcp":
      return "Use an environment reference instead: `${env:DB_PASSWORD}`, or `${input:db-password}` in VS Code.";
    case "env":
      return "Keep this .env file out of git (.gitignore) and commit a .env.example with a placeholder instead.";
    case "source":
      return /\.py$/i.test(fact3.file) ? "Read it from the environment (e.g. os.environ['DB_PASSWORD']) and keep the value out of the repository." : "Read it from process.env (e.g. process.env.DB_PASSWORD) and keep the value out of the repository.";
    case "package-json":
      return "Read it from process.env (e.g. process.env.DB_PASSWORD) and keep the value out of the repository.";
    default:
      return "Read it from the environment or a secret manager instead of writing it into the file.";
  }
}
function bareBelongsToDatabase(name, conns, unitName) {
  const dot = name.lastIndexOf(".");
  if (dot < 0)
    return conns.length > 0 || namesDatabase(unitName);
  const stem = name.slice(0, dot + 1);
  return namesDatabase(stem) || conns.some((c) => c.variable?.startsWith(stem));
}
function isLiteral(value, placeholder) {
  return value !== void 0 && value !== "" && !placeholder;
}
var no_plaintext_password_default = defineRule({
  meta: {
    id: "no-plaintext-password",
    description: "Database passwords must not be written in files that git commits.",
    defaultSeverity: "error",
    rationale: "A password in a committed file is readable by everyone with access to the repository, its forks, CI logs and every clone, forever: removing it later does not remove it from history. Reference it instead (a Kubernetes Secret, compose secrets, an environment variable) and rotate any password that was ever committed.",
    messages: {
      connection: "Connection to {{host}} ({{masked}}) contains a literal password. {{fix}}",
      setting: "{{name}} holds a literal password. {{fix}}",
      configMap: "ConfigMap `{{unit}}` holds a connection string with a literal password ({{masked}}); ConfigMaps are not secret. Move the password to a Secret and reference it with `valueFrom.secretKeyRef`."
    },
    looksAt: [
      "passwords in connection strings (a `${VAR:-default}` counts as its default) and `*PASSWORD*` variables / Helm `*password` keys, in files git would commit",
      "judged where the unit has a remote connection or runs in production or staging; ConfigMaps and committed Secrets always"
    ],
    examples: {
      good: [
        {
          file: "docker-compose.yml",
          code: "services:\n  api:\n    image: ghcr.io/acme/api:1.4.2\n    environment:\n      DATABASE_URL: postgres://app:${DB_PASSWORD}@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/run/secrets/supabase-ca.crt\n"
        },
        {
          file: "k8s/production/deploy.yaml",
          code: PRODUCTION_DEPLOYMENT_ENV + "            - name: PGPASSWORD\n              valueFrom:\n                secretKeyRef: { name: orders-db, key: password }\n"
        },
        {
          file: ".env.production",
          code: "DATABASE_URL=postgresql://app:s3cr3t-Pr0d-pw@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/etc/ssl/certs/supabase-ca.crt\n",
          git: { inGit: true, tracked: false, ignored: true }
        }
      ],
      bad: [
        {
          file: "docker-compose.yml",
          code: "services:\n  api:\n    image: ghcr.io/acme/api:1.4.2\n    environment:\n      DATABASE_URL: postgres://app:Xk9vL2mQ7pR4@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/run/secrets/supabase-ca.crt\n",
          findings: 1
        },
        {
          file: "k8s/production/deploy.yaml",
          code: PRODUCTION_DEPLOYMENT_ENV + "            - name: PGPASSWORD\n              value: Xk9vL2mQ7pR4\n",
          findings: 1
        },
        {
          file: ".env.production",
          code: "DATABASE_URL=postgresql://app:Xk9vL2mQ7pR4@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/etc/ssl/certs/supabase-ca.crt\n",
          git: { inGit: true, tracked: true, ignored: false },
          findings: 1
        }
      ]
    }
  },
  check(facts, ctx) {
    for (const c of facts.ofKind("connection")) {
      if (!c.password.present || c.password.placeholder || isKeptOutOfGit(facts, c.file))
        continue;
      if (isTemplatePath(c.file) && !c.password.generated)
        continue;
      const home = c.writtenIn ?? c.unit;
      if (home?.kind === "k8s-configmap") {
        ctx.report({ fact: c, ...c.password.span ? { span: c.password.span } : {}, messageId: "configMap", data: { unit: home.name, masked: c.masked } });
        continue;
      }
      if (isAllLocal(c))
        continue;
      ctx.report({
        fact: c,
        ...c.password.span ? { span: c.password.span } : {},
        messageId: "connection",
        data: { host: hostLabel(c), masked: c.masked, fix: fixFor2(c) }
      });
    }
    for (const s of facts.ofKind("setting")) {
      if (s.category !== "password" || !isLiteral(s.value, s.placeholder) || isKeptOutOfGit(facts, s.file))
        continue;
      const conns = settingConnections(facts, s);
      if (!isDatabasePasswordName(s.name) && !(isBarePasswordName(s.name) && bareBelongsToDatabase(s.name, conns, (s.writtenIn ?? s.unit)?.name ?? "")))
        continue;
      if (isTemplatePath(s.file) && !looksGenerated(s.value))
        continue;
      if (conns.length > 0 && conns.every(isAllLocal))
        continue;
      const judged = conns.some(isOffMachine2) || conns.length === 0 && isProductionOrStaging(s.environment) || // Committed Secrets, and ConfigMaps, which are not even meant to be secret.
      (s.writtenIn ?? s.unit)?.kind === "k8s-secret" || (s.writtenIn ?? s.unit)?.kind === "k8s-configmap";
      if (!judged)
        continue;
      ctx.report({ fact: s, span: s.valueSpan, messageId: "setting", data: { name: s.name, fix: fixFor2(s) } });
    }
  }
});

// dist/rules/gitignore-certs.js
var gitignore_certs_default = defineRule({
  meta: {
    id: "gitignore-certs",
    description: "Private keys and certificates must be kept out of git.",
    defaultSeverity: "error",
    rationale: "A committed private key is compromised: everyone with read access to the repository, and its history, can impersonate the client or server it belongs to. Certificates are public, but committing them invites committing the key next to them and pins deployments to files that should be mounted from a secret store. Git keeps both forever once committed.",
    messages: {
      trackedIgnored: "{{kind}} {{file}} is matched by .gitignore but git still tracks it: ignoring does not untrack. Run `{{rm}}`{{rotate}}.",
      tracked: "{{kind}} {{file}} is committed to git. Add `{{entry}}` to {{gitignore}} and run `{{rm}}`{{rotate}}.",
      untracked: "{{kind}} {{file}} is not matched by .gitignore, so `git add .` would commit it. Add `{{entry}}` (or its directory) to {{gitignore}}."
    },
    looksAt: [
      "certificate and key files (`.crt .pem .cer .der .p12 .pfx .key`, by PEM content) and whether git would commit them"
    ],
    examples: {
      good: [
        { file: "certs/client.key", code: "", git: { inGit: true, tracked: false, ignored: true } },
        { file: "certs/ca.crt", code: VALID_CA_PEM, git: { inGit: true, tracked: false, ignored: true } }
      ],
      bad: [
        { file: "certs/client.key", code: "", git: { inGit: true, tracked: true, ignored: false }, findings: 1 },
        { file: "deploy/postgres/client.key", code: "", git: { inGit: true, tracked: false, ignored: false }, findings: 1 },
        { file: "certs/ca.crt", code: VALID_CA_PEM, git: { inGit: true, tracked: true, ignored: true }, findings: 1 }
      ]
    }
  },
  check(facts, ctx) {
    for (const f of facts.ofKind("file")) {
      if (f.fileKind !== "private-key" && f.fileKind !== "certificate" || !wouldCommit(f))
        continue;
      if (f.testCode)
        continue;
      if (f.fileKind === "certificate" && facts.ofKind("certificate").filter((c) => c.file === f.file && !c.inline).length >= 5)
        continue;
      const key = f.fileKind === "private-key";
      const messageId = isTrackedButIgnored(f) ? "trackedIgnored" : f.tracked ? "tracked" : "untracked";
      ctx.report({
        fact: f,
        messageId,
        severity: key ? "error" : "warning",
        data: {
          kind: key ? "Private key" : "Certificate",
          file: f.file,
          ...gitFix(f),
          rotate: key ? ", then replace the key: it stays readable in the history" : ""
        }
      });
    }
  }
});

// dist/rules/gitignore-env.js
var gitignore_env_default = defineRule({
  meta: {
    id: "gitignore-env",
    description: ".env files must be kept out of git; commit a .env.example with placeholders instead.",
    defaultSeverity: "error",
    rationale: ".env files hold the real connection strings and passwords of an environment. Once committed they are readable by everyone with access to the repository and stay in its history. Ignore them, and commit a .env.example that documents the variables with placeholder values.",
    messages: {
      trackedIgnored: "{{file}} is matched by .gitignore but git still tracks it, with `{{secret}}` in it: ignoring does not untrack. Run `{{rm}}` and rotate the secrets it held.",
      tracked: "{{file}} is committed to git with `{{secret}}` in it. Add `.env`, `.env.*` and `!.env.example` to {{gitignore}}, run `{{rm}}` and rotate the secrets it held.",
      untracked: "{{file}} holds `{{secret}}` and is not matched by .gitignore, so `git add .` would commit it. Add `.env`, `.env.*` and `!.env.example` to {{gitignore}}."
    },
    looksAt: [
      "`.env`, `.env.*`, `*.env`, `.envrc` files (not templates) and whether git would commit them; a committed one only when it holds a secret-named variable with a real-looking value or a connection to a real host off the machine"
    ],
    examples: {
      good: [
        { file: ".env.production", code: "DATABASE_URL=postgresql://app:${DB_PASSWORD}@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/etc/ssl/certs/supabase-ca.crt\n", git: { inGit: true, tracked: false, ignored: true } },
        { file: ".env.example", code: "DATABASE_URL=postgresql://app:<password>@<host>:5432/postgres?sslmode=verify-full&sslrootcert=/path/to/ca.crt\n", git: { inGit: true, tracked: true, ignored: false } },
        { file: ".envrc", code: "use devenv\n", git: { inGit: true, tracked: true, ignored: false } },
        { file: ".env.test", code: "DATABASE_URL=postgres://test:test@localhost:5432/test\nSESSION_SECRET=test\n", git: { inGit: true, tracked: true, ignored: false } }
      ],
      bad: [
        { file: ".env.production", code: "DATABASE_URL=postgresql://app:${DB_PASSWORD}@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/etc/ssl/certs/supabase-ca.crt\n", git: { inGit: true, tracked: true, ignored: false }, findings: 1 },
        { file: ".env", code: "DATABASE_URL=postgres://postgres:postgres@localhost:5432/app_dev\nSESSION_SECRET=Zq8-vR2xT6mK9pW4\n", git: { inGit: true, tracked: false, ignored: false }, findings: 1 }
      ]
    }
  },
  check(facts, ctx) {
    for (const f of facts.ofKind("file")) {
      if (f.fileKind !== "env" || !wouldCommit(f))
        continue;
      if (!f.secret)
        continue;
      const messageId = isTrackedButIgnored(f) ? "trackedIgnored" : f.tracked ? "tracked" : "untracked";
      ctx.report({ fact: f, messageId, data: { file: f.file, secret: f.secret ?? "", ...gitFix(f) } });
    }
  }
});

// dist/rules/cert-expiry.js
var DAY_MS = 24 * 60 * 60 * 1e3;
var BUNDLE_SIZE = 5;
function days(n) {
  return n === 1 ? "1 day" : `${n} days`;
}
var cert_expiry_default = defineRule({
  meta: {
    id: "cert-expiry",
    description: "Certificates must not be expired or about to expire.",
    defaultSeverity: "error",
    rationale: "An expired root or client certificate breaks every verified connection at once, usually at night and usually in production, and the quick fix people reach for is to switch verification off. sslguard warns certExpiryDays (default 30) days ahead so the certificate can be renewed calmly.",
    messages: {
      expired: 'Certificate "{{subject}}" expired on {{date}} ({{ago}} ago): clients that verify against it fail. Renew it and deploy the new certificate.',
      expiring: 'Certificate "{{subject}}" expires on {{date}}, in {{left}}. Renew it before then and deploy the new certificate.',
      staleBundle: "CA bundle {{file}} holds {{count}} expired of its {{total}} certificates ({{subjects}}): the bundle is stale, not broken (clients verify against the roots still valid). Replace it with a current bundle (your OS's ca-certificates, or the provider's published bundle)."
    },
    // Self-signed CA certificates (public data, keys discarded): the good one made with
    // `openssl req -x509 -days 36500` and valid until 2126-11-02, the bad one with
    // `openssl ca -selfsign -startdate 20200101000000Z -enddate 20210101000000Z`.
    looksAt: [
      "certificate files and inline PEM certificate blocks in every file read"
    ],
    examples: {
      good: [
        {
          file: "certs/ca.crt",
          code: VALID_CA_PEM
        }
      ],
      bad: [
        {
          file: "certs/ca.crt",
          code: "-----BEGIN CERTIFICATE-----\nMIIBpTCCAUqgAwIBAgICEAAwCgYIKoZIzj0EAwIwOTESMBAGA1UECgwJQWNtZSBD\nb3JwMSMwIQYDVQQDDBpBY21lIFBvc3RncmVzIFJvb3QgQ0EgMjAyMDAeFw0yMDAx\nMDEwMDAwMDBaFw0yMTAxMDEwMDAwMDBaMDkxEjAQBgNVBAoMCUFjbWUgQ29ycDEj\nMCEGA1UEAwwaQWNtZSBQb3N0Z3JlcyBSb290IENBIDIwMjAwWTATBgcqhkjOPQIB\nBggqhkjOPQMBBwNCAAR9AB3T5wYIqdlS9W9maj82zl70f4U7vhcmJQt3zyYmr6zT\n8k1vs9vPSU4nir3TlV3/1Zql8jt22gCIu9Wq0MEGo0IwQDAPBgNVHRMBAf8EBTAD\nAQH/MA4GA1UdDwEB/wQEAwIBBjAdBgNVHQ4EFgQUj+LeRv+EW95BtJQtKjFrBFWL\ng7YwCgYIKoZIzj0EAwIDSQAwRgIhANmDhAyZr3lOftSwN0pgnrAGcfZ5FWD/xols\n8UhqjPjPAiEAlJZ+UyS8so3gQQEd5jqeXVm40ZZOR0nfm2ShK/AJfLk=\n-----END CERTIFICATE-----\n",
          findings: 1
        }
      ]
    }
  },
  check(facts, ctx) {
    const now = ctx.now.getTime();
    const perFile = /* @__PURE__ */ new Map();
    for (const cert of facts.ofKind("certificate"))
      if (!cert.inline)
        perFile.set(cert.file, (perFile.get(cert.file) ?? 0) + 1);
    const bundles = new Set([...perFile].filter(([, n]) => n >= BUNDLE_SIZE).map(([file]) => file));
    for (const file of bundles) {
      const certs = facts.ofKind("certificate").filter((c) => !c.inline && c.file === file && !c.testCode);
      const expired = certs.filter((c) => Date.parse(c.notAfter) < now);
      if (expired.length === 0)
        continue;
      const subjects = expired.slice(0, 3).map((c) => `"${c.subject}"`).join(", ") + (expired.length > 3 ? `, and ${expired.length - 3} more` : "");
      ctx.report({ fact: expired[0], messageId: "staleBundle", severity: "warning", data: { file, count: String(expired.length), total: String(certs.length), subjects } });
    }
    for (const cert of facts.ofKind("certificate")) {
      if (bundles.has(cert.file) && !cert.inline)
        continue;
      if (cert.testCode)
        continue;
      const notAfter = Date.parse(cert.notAfter);
      if (Number.isNaN(notAfter))
        continue;
      const date = new Date(notAfter).toISOString().slice(0, 10);
      if (notAfter < now) {
        ctx.report({ fact: cert, messageId: "expired", severity: "error", data: { subject: cert.subject, date, ago: days(Math.floor((now - notAfter) / DAY_MS)) } });
        continue;
      }
      const left = (notAfter - now) / DAY_MS;
      if (left <= ctx.config.certExpiryDays) {
        ctx.report({ fact: cert, messageId: "expiring", severity: "warning", data: { subject: cert.subject, date, left: days(Math.ceil(left)) } });
      }
    }
  }
});

// dist/rules/key-permissions.js
var key_permissions_default = defineRule({
  meta: {
    id: "key-permissions",
    description: "Private key files must be readable by their owner only (chmod 600).",
    defaultSeverity: "warning",
    rationale: 'A private key readable by the group or by other users can be copied by any process or account on the machine. libpq itself refuses a client key (sslkey) that is group- or world-readable: "private key file has group or world access".',
    messages: {
      mode: "Private key {{file}} is readable by group/others (mode {{mode}}); run `chmod 600 {{file}}`."
    },
    looksAt: [
      "permission bits of private key files"
    ],
    examples: {
      good: [{ file: "certs/client.key", code: "", mode: 384, git: { inGit: true, tracked: false, ignored: true } }],
      bad: [{ file: "certs/client.key", code: "", mode: 420, git: { inGit: true, tracked: false, ignored: true }, findings: 1 }]
    }
  },
  check(facts, ctx) {
    for (const f of facts.ofKind("file")) {
      if (f.fileKind !== "private-key" || f.mode === void 0 || (f.mode & 63) === 0)
        continue;
      if (f.tracked || f.testCode)
        continue;
      ctx.report({ fact: f, messageId: "mode", data: { file: f.file, mode: (f.mode & 4095).toString(8).padStart(4, "0") } });
    }
  }
});

// dist/rules/index.js
var rules = [
  no_ssl_disabled_default,
  require_sslmode_default,
  require_verify_full_default,
  no_reject_unauthorized_default,
  require_root_cert_default,
  absolute_cert_path_default,
  verify_full_ip_host_default,
  tls_min_version_default,
  pg_sslmode_alias_default,
  prisma_ssl_default,
  ignored_tls_setting_default,
  no_plaintext_password_default,
  gitignore_certs_default,
  gitignore_env_default,
  cert_expiry_default,
  key_permissions_default
];

// dist/src/engine/resolve-values.js
var import_node_path12 = require("node:path");

// dist/src/engine/link-env-files.js
function linkEnvFiles(references, scanned) {
  const out = { links: [], diagnostics: [] };
  for (const ref of references) {
    if (ref.kind !== "env-file")
      continue;
    if (scanned.has(ref.path) && classifyPath(ref.path).includes("env")) {
      out.links.push({ unit: ref.unit, inherits: unitOf(ref.path, "env-file", ref.path) });
      continue;
    }
    if (ref.optional)
      continue;
    out.diagnostics.push({
      file: ref.file,
      line: ref.line,
      column: ref.column,
      message: unscannedEnvFile(ref.written, ref.unit)
    });
  }
  return out;
}
function unscannedEnvFile(written, unit) {
  return `\`${written}\` is not among the scanned env files (outside the scanned root, ignored, missing, or not named like an env file): the variables it sets for ${describeUnit(unit)} are not judged`;
}

// dist/src/engine/resolve-values.js
function resolveValues(input2) {
  if (input2.uses.length === 0 || input2.enabled === false)
    return { facts: [...input2.facts], diagnostics: [] };
  const resolver = new ValueResolver(input2);
  return resolver.run();
}
function envLayers(file) {
  const dir = import_node_path12.posix.dirname(file);
  const base = import_node_path12.posix.basename(file);
  const m = /^\.env(?:\.(?!local$)([^.]+))?(\.local)?$/.exec(base);
  if (!m)
    return [];
  const mode = m[1];
  const names = [...mode ? [`.env.${mode}.local`, `.env.${mode}`] : [], ".env.local", ".env"];
  return names.map((n) => inDir2(dir, n));
}
function mcpProjectRoot2(file) {
  const dir = import_node_path12.posix.dirname(file);
  return import_node_path12.posix.basename(dir).startsWith(".") && import_node_path12.posix.basename(dir) !== "." ? import_node_path12.posix.dirname(dir) : dir;
}
function inDir2(dir, name) {
  return dir === "." || dir === "" ? name : `${dir}/${name}`;
}
function within2(span, range) {
  return span.start >= range.start && span.end <= range.end;
}
var ValueResolver = class {
  input;
  byFile = /* @__PURE__ */ new Map();
  byResource = /* @__PURE__ */ new Map();
  consumed = /* @__PURE__ */ new Set();
  derived = [];
  diagnostics = [];
  sources = /* @__PURE__ */ new Map();
  inherited;
  packages;
  /** The extracted facts by file: each use or definition looks only at its own file's. */
  factsByFile = /* @__PURE__ */ new Map();
  constructor(input2) {
    this.input = input2;
    for (const d of input2.definitions) {
      let names = this.byFile.get(d.file);
      if (!names)
        this.byFile.set(d.file, names = /* @__PURE__ */ new Map());
      names.set(d.name, d);
      if (d.unit.kind === "k8s-secret" || d.unit.kind === "k8s-configmap") {
        const key = `${d.unit.kind}:${d.unit.name}`;
        const list = this.byResource.get(key) ?? [];
        list.push(d);
        this.byResource.set(key, list);
      }
    }
    for (const f of input2.facts) {
      const list = this.factsByFile.get(f.file);
      if (list)
        list.push(f);
      else
        this.factsByFile.set(f.file, [f]);
    }
    this.inherited = new Set(input2.links.map((l) => l.inherits.id));
    this.packages = [...input2.files].filter((f) => import_node_path12.posix.basename(f) === "package.json").map((f) => import_node_path12.posix.dirname(f)).sort((a, b) => b.length - a.length);
  }
  run() {
    for (const use of this.input.uses)
      if (use.scope !== "code")
        this.resolveInfrastructure(use);
    const pool = [...this.input.facts.filter((f) => !this.consumed.has(f)), ...this.derived];
    const codeUses = this.input.uses.filter((u) => u.scope === "code");
    if (codeUses.length === 0)
      return { facts: pool, diagnostics: this.diagnostics };
    return { facts: this.resolveCode(pool, codeUses), diagnostics: this.diagnostics };
  }
  // --- infrastructure -------------------------------------------------------------------------
  resolveInfrastructure(use) {
    const [first] = use.parts;
    if (use.parts.length === 1 && first && typeof first !== "string") {
      if (first.from && first.name === "*") {
        const defs2 = this.resourceDefinitions(first);
        for (const d of defs2)
          this.emitWhole(use, d, `${first.from.prefix ?? ""}${d.name}`);
        if (defs2.length > 0)
          this.consumeUseSite(use);
        else if (first.from.kind === "env-file" && !first.from.optional && !this.input.files.has(first.from.name))
          this.unresolvedFile(use);
        return;
      }
      if (settingCategory(first.name) === "password" && !first.from)
        return;
      const defs = this.lookup(use, first);
      for (const d of defs)
        this.emitWhole(use, d, use.as ?? d.name);
      if (defs.length > 0)
        this.consumeUseSite(use);
      return;
    }
    let value = "";
    let resolved = 0;
    const origins = [];
    for (const part of use.parts) {
      if (typeof part === "string") {
        value += part;
        continue;
      }
      const def = settingCategory(part.name) === "password" && !part.from ? void 0 : this.lookup(use, part)[0];
      if (def) {
        value += def.value;
        origins.push(def);
        resolved++;
      } else if (part.fallback && !part.from) {
        value += part.fallback.value;
      } else {
        value += part.from ? `$(${part.name})` : `\${${part.name}}`;
      }
    }
    if (resolved === 0)
      return;
    this.emitAssembled(use, value, origins);
    this.consumeUseSite(use);
  }
  unresolvedFile(use) {
    const s = this.source(use.file);
    const at = s?.position(use.valueRange.start);
    this.diagnostics.push({
      file: use.file,
      ...at ? { line: at.line, column: at.column } : {},
      message: unscannedEnvFile(use.written, use.unit)
    });
  }
  resourceDefinitions(ref) {
    const from = ref.from;
    if (from.kind === "env-file")
      return [...this.byFile.get(from.name)?.values() ?? []];
    return (this.byResource.get(`${from.kind}:${from.name}`) ?? []).filter((d) => (from.namespace === void 0 || d.namespace === void 0 || d.namespace === from.namespace) && (ref.name === "*" || d.name === ref.name));
  }
  /** Every definition a reference may read (several: the same Secret in two overlays). */
  lookup(use, ref) {
    if (ref.from)
      return this.resourceDefinitions(ref);
    const first = (files) => {
      for (const f of files) {
        if (f === use.file)
          continue;
        const d = this.byFile.get(f)?.get(ref.name);
        if (d && !(ref.fallback?.whenEmpty && d.value === ""))
          return [d];
      }
      return [];
    };
    switch (use.scope) {
      case "compose":
        return first([inDir2(import_node_path12.posix.dirname(use.file), ".env")]);
      case "mcp": {
        const root = mcpProjectRoot2(use.file);
        return first([inDir2(root, ".env.local"), inDir2(root, ".env")]);
      }
      case "env-layer":
        return first(envLayers(use.file));
      default:
        return [];
    }
  }
  source(file) {
    let s = this.sources.get(file);
    if (!s) {
      const text = this.input.texts.get(file);
      if (text === void 0)
        return void 0;
      this.sources.set(file, s = new SourceText(text));
    }
    return s;
  }
  sinkFor(file, format) {
    const source = this.source(file);
    return source && new FactSink({ file, text: source.text, source, config: this.input.config }, format);
  }
  options(use) {
    return {
      unit: use.unit,
      // The environment of the unit that runs the value, named with the file that says so.
      ...use.environment ? { environment: { ...use.environment, file: use.environment.file ?? use.file } } : {},
      ...use.localNames ? { localNames: new Map(Object.entries(use.localNames)) } : {},
      ...use.consumer ? { consumer: use.consumer } : {}
    };
  }
  /** The definition's value, re-read where it is written, as a value of the using unit. */
  emitWhole(use, def, name) {
    const sink = this.sinkFor(def.file, def.format);
    if (!sink)
      return;
    sink.assignment(name, def.nameRange, def.value, def.valueLoc, this.options(use));
    const trace = [this.definitionSite(def), this.useSite(use)].filter((x) => x !== void 0);
    for (const f of sink.result().facts)
      this.derived.push({ ...f, via: trace, writtenIn: def.unit });
    if (!this.inherited.has(def.unit.id))
      this.consume(def.file, def.unit.id, def.valueLoc, def.nameRange);
  }
  /** A value assembled from parts, judged where it is assembled (positions: the whole value). */
  emitAssembled(use, value, origins) {
    const sink = this.sinkFor(use.file, use.format);
    if (!sink)
      return;
    const loc = { start: use.valueRange.start, end: use.valueRange.end, exact: false };
    if (use.as !== void 0 && use.nameRange)
      sink.assignment(use.as, use.nameRange, value, loc, this.options(use));
    else
      sink.value(value, loc, this.options(use));
    const trace = [...origins.map((d) => this.definitionSite(d)), this.useSite(use)].filter((x) => x !== void 0);
    for (const f of sink.result().facts)
      this.derived.push({ ...f, via: trace });
  }
  /** The use's own facts (a placeholder `${PGSSLMODE}`, a URL with an unresolved host) give way to the resolved ones. */
  consumeUseSite(use) {
    this.consume(use.file, use.unit.id, use.valueRange);
  }
  /** Facts of `unit` in `file` whose value lies in `value` (or, for a setting, whose name lies in `name`) are replaced. */
  consume(file, unitId, value, name) {
    for (const f of this.factsByFile.get(file) ?? []) {
      if (f.unit?.id !== unitId)
        continue;
      const span = f.kind === "setting" ? f.valueSpan : f.span;
      if (within2(span, value) || name && f.kind === "setting" && within2(f.nameSpan, name))
        this.consumed.add(f);
    }
  }
  definitionSite(def) {
    const s = this.source(def.file);
    if (!s)
      return void 0;
    const where = def.unit.kind === "k8s-secret" ? `in Secret \`${def.unit.name}\`` : def.unit.kind === "k8s-configmap" ? `in ConfigMap \`${def.unit.name}\`` : "";
    return { ...rangeOf(s.span(def.valueLoc.start, def.valueLoc.end)), file: def.file, message: `${def.name} is written here${where ? ` ${where}` : ""}` };
  }
  useSite(use) {
    const s = this.source(use.file);
    if (!s)
      return void 0;
    return { ...rangeOf(s.span(use.valueRange.start, use.valueRange.end)), file: use.file, message: `used as \`${short(use.written)}\` by ${describeUnit(use.unit)}${use.unit.kind === "source-file" ? ` (${use.file})` : ""}` };
  }
  // --- code -----------------------------------------------------------------------------------
  /** The package directory a file belongs to: the nearest scanned package.json above it. */
  owner(file) {
    const dir = import_node_path12.posix.dirname(file);
    return this.packages.find((p) => p === "." || dir === p || dir.startsWith(`${p}/`));
  }
  /** A value written in `file` reaches code in `reader` unless it belongs to another package. */
  visible(file, reader) {
    const o = this.owner(file);
    if (o === void 0 || o === ".")
      return true;
    const r = import_node_path12.posix.dirname(reader);
    return r === o || r.startsWith(`${o}/`);
  }
  resolveCode(pool, uses) {
    const built = new Set(this.input.links.filter((l) => l.inherits.kind === "dockerfile-stage").map((l) => l.unit.id));
    const byVariable = /* @__PURE__ */ new Map();
    for (const f of pool) {
      if (f.kind !== "connection" || f.variable === void 0 || f.format === "source" && !f.processEnv || f.format === "prisma")
        continue;
      if (f.format === "compose" && f.unit?.kind === "compose-service" && !built.has(f.unit.id))
        continue;
      if (f.format === "env" && !import_node_path12.posix.basename(f.file).startsWith(".env"))
        continue;
      const list = byVariable.get(f.variable) ?? [];
      list.push(f);
      byVariable.set(f.variable, list);
    }
    const replaced = /* @__PURE__ */ new Set();
    const out = [];
    for (const use of uses) {
      const [ref] = use.parts;
      if (!ref || typeof ref === "string")
        continue;
      const candidates = (byVariable.get(ref.name) ?? []).filter((c) => this.visible(c.file, use.file));
      if (candidates.length === 0)
        continue;
      const { site, span } = this.codeSite(use);
      const tls2 = this.tlsOf(pool, use);
      for (const c of candidates) {
        replaced.add(c);
        const via = [...c.via ?? [originOf(c)], site];
        out.push({
          ...c,
          ...use.consumer ? { consumer: use.consumer } : {},
          readBy: { file: use.file, span, name: ref.name, tls: tls2 },
          // Python keyword arguments (`ssl=`, `sslmode=`) replace the string's TLS parameters.
          ...tls2.some((t) => t.overridesUrl) ? { tlsInCode: true } : {},
          via
        });
      }
    }
    return [...pool.filter((f) => !replaced.has(f)), ...out];
  }
  codeSite(use) {
    const s = this.source(use.file);
    const span = s ? s.span(use.valueRange.start, use.valueRange.end) : { start: use.valueRange.start, end: use.valueRange.end, line: 1, column: 1, endLine: 1, endColumn: 1 };
    return { site: { ...rangeOf(span), file: use.file, message: `read by ${use.consumer ?? "code"} as \`${short(use.written)}\`` }, span };
  }
  /** TLS options handed to the same call as the variable. */
  tlsOf(pool, use) {
    if (use.receiverAt === void 0)
      return [];
    return pool.filter((f) => f.kind === "tls-options" && f.file === use.file && f.receiverAt === use.receiverAt);
  }
};
function rangeOf(span) {
  return { line: span.line, column: span.column, endLine: span.endLine, endColumn: span.endColumn };
}
function originOf(c) {
  return { ...rangeOf(c.span), file: c.file, message: `${c.variable ?? "the value"} is written here` };
}
function short(text) {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > 60 ? `${t.slice(0, 57)}\u2026` : t;
}

// dist/src/engine/unit-view.js
function buildUnitViews(byUnit, links) {
  const parents = /* @__PURE__ */ new Map();
  const children = /* @__PURE__ */ new Map();
  for (const { unit, inherits } of links) {
    if (unit.id === inherits.id)
      continue;
    const p = parents.get(unit.id) ?? [];
    if (!p.some((u) => u.id === inherits.id))
      p.push(inherits);
    parents.set(unit.id, p);
    const c = children.get(inherits.id) ?? [];
    if (!c.some((u) => u.id === unit.id))
      c.push(unit);
    children.set(inherits.id, c);
  }
  const reach = (start, edges) => {
    const seen = /* @__PURE__ */ new Set([start]);
    const out = [];
    let frontier = [start];
    while (frontier.length > 0) {
      const next = [];
      for (const id of frontier) {
        for (const u of edges.get(id) ?? []) {
          if (seen.has(u.id))
            continue;
          seen.add(u.id);
          out.push(u);
          next.push(u.id);
        }
      }
      frontier = next;
    }
    return out;
  };
  const views = /* @__PURE__ */ new Map();
  const users = /* @__PURE__ */ new Map();
  return {
    inUnit(unitId) {
      const own = byUnit.get(unitId) ?? [];
      if (!parents.has(unitId))
        return own;
      let view = views.get(unitId);
      if (!view) {
        view = [...own, ...reach(unitId, parents).flatMap((u) => byUnit.get(u.id) ?? [])];
        views.set(unitId, view);
      }
      return view;
    },
    usersOf(unitId) {
      if (!children.has(unitId))
        return [];
      let list = users.get(unitId);
      if (!list)
        users.set(unitId, list = reach(unitId, children));
      return list;
    }
  };
}

// dist/src/engine/link-images.js
function linkImages(references, declared) {
  const out = { links: [], diagnostics: [] };
  for (const ref of references) {
    if (ref.kind !== "dockerfile")
      continue;
    const stages = (declared.get(ref.path) ?? []).filter((u) => u.kind === "dockerfile-stage");
    if (stages.length === 0)
      continue;
    const stage = ref.target === void 0 ? stages.at(-1) : stages.find((u) => u.name === ref.target.toLowerCase());
    if (!stage) {
      out.diagnostics.push({
        file: ref.file,
        line: ref.line,
        column: ref.column,
        message: `build target \`${ref.target}\` is not a stage of ${ref.path}: its environment is not applied to ${describeUnit(ref.unit)}`
      });
      continue;
    }
    out.links.push({ unit: ref.unit, inherits: stage });
  }
  return out;
}

// dist/src/engine/resolve-references.js
function resolveReferences(references, scanned) {
  if (references.length === 0)
    return { links: [], diagnostics: [] };
  const images = linkImages(references, scanned.declared);
  const envFiles2 = linkEnvFiles(references, scanned.files);
  const helm = references.filter((r) => r.kind === "helm-values" && scanned.files.has(r.path)).map((r) => ({ unit: r.unit, inherits: unitOf(r.path, "helm-values", r.path) }));
  return { links: [...images.links, ...envFiles2.links, ...helm], diagnostics: [...images.diagnostics, ...envFiles2.diagnostics] };
}

// dist/src/engine/lint.js
var WHOLE_FILE_UNSCANNED = /^(?:Helm template, not scanned|binary file .*not scanned|(?:YAML|JSON) nested more than .* not scanned|invalid (?:YAML|JSON)(?:, file not scanned|: .*))$/;
function scannedCount(read2, diagnostics) {
  return read2 - new Set(diagnostics.filter((d) => WHOLE_FILE_UNSCANNED.test(d.message)).map((d) => d.file)).size;
}
function resolveConfig(partial) {
  return { ...DEFAULT_CONFIG, ...partial, rules: { ...DEFAULT_CONFIG.rules, ...partial?.rules } };
}
function createFactSet(facts, links = []) {
  const byKind = /* @__PURE__ */ new Map();
  const byUnit = /* @__PURE__ */ new Map();
  for (const f of facts) {
    let k = byKind.get(f.kind);
    if (!k)
      byKind.set(f.kind, k = []);
    k.push(f);
    if (f.unit) {
      let u = byUnit.get(f.unit.id);
      if (!u)
        byUnit.set(f.unit.id, u = []);
      u.push(f);
    }
  }
  const views = buildUnitViews(byUnit, links);
  return {
    all: facts,
    ofKind(kind) {
      return byKind.get(kind) ?? [];
    },
    inUnit: views.inUnit,
    usersOf: views.usersOf
  };
}
function runRules(facts, config, now, rules2 = rules, links = [], diagnostics) {
  const set = createFactSet(facts, links);
  const findings = [];
  for (const rule of rules2) {
    const configured = config.rules[rule.meta.id];
    if (configured === "off")
      continue;
    const context = {
      config,
      now,
      report(d) {
        const template = rule.meta.messages[d.messageId];
        if (template === void 0)
          throw new Error(`rule ${rule.meta.id}: unknown messageId ${d.messageId}`);
        const span = d.span ?? (d.fact.kind === "setting" ? d.fact.valueSpan : d.fact.span);
        const environment2 = d.environment ?? d.fact.environment;
        const severity = configured ?? d.severity ?? rule.meta.defaultSeverity;
        findings.push({
          ruleId: rule.meta.id,
          severity,
          // Rules build messages from masked values; masking again is the last line of defence.
          message: maskSecrets(formatMessage(template, d.data) + usedBy(set, d.fact.unit)),
          file: d.fact.file,
          line: span.line,
          column: span.column,
          endLine: span.endLine,
          endColumn: span.endColumn,
          environment: environment2.name,
          environmentReason: environment2.reason,
          messageId: d.messageId,
          ...d.data ? { data: maskedData(d.data) } : {},
          ...d.consumer ? { consumer: d.consumer } : {},
          ...d.effectiveTls ? { effectiveTls: d.effectiveTls } : {},
          ...d.fact.via?.length ? { related: d.fact.via.map((r) => ({ ...r, message: maskSecrets(r.message) })) } : {}
        });
      }
    };
    try {
      rule.check(set, context);
    } catch (error) {
      if (!diagnostics)
        throw error;
      diagnostics.push({ file: ".", message: `internal error in rule ${rule.meta.id}, some of its findings may be missing: ${error.message}` });
    }
  }
  return mergeTwins(findings).sort(compareFindings);
}
function mergeTwins(findings) {
  const out = [];
  const seen = /* @__PURE__ */ new Map();
  for (const f of findings) {
    if (!f.related) {
      out.push(f);
      continue;
    }
    const key = `${f.ruleId}\0${f.file}\0${f.line}:${f.column}-${f.endLine}:${f.endColumn}\0${f.message}`;
    const twin = seen.get(key);
    if (!twin) {
      seen.set(key, f);
      out.push(f);
      continue;
    }
    const known = new Set(twin.related.map(relatedKey));
    twin.related = [...twin.related, ...f.related.filter((r) => !known.has(relatedKey(r)))];
  }
  return out.map(capRelated);
}
var MAX_RELATED = 6;
function capRelated(f) {
  const related = f.related;
  if (!related || related.length <= MAX_RELATED)
    return f;
  const dirOf3 = (file) => import_node_path13.posix.dirname(file).split("/");
  const home = dirOf3(f.file);
  const distance = (file) => {
    const dir = dirOf3(file);
    let n = 0;
    while (n < dir.length && n < home.length && dir[n] === home[n])
      n++;
    return dir.length - n + (home.length - n);
  };
  const order = related.map((r, i) => ({ i, far: r.file === f.file ? -1 : distance(r.file) })).sort((a, b) => a.far - b.far || a.i - b.i);
  const kept = new Set(order.slice(0, MAX_RELATED).map((o) => o.i));
  const more = related.length - MAX_RELATED;
  return {
    ...f,
    related: related.filter((_, i) => kept.has(i)),
    message: `${f.message} ${more} more place${more === 1 ? "" : "s"} read${more === 1 ? "s" : ""} it too (not listed).`
  };
}
function relatedKey(r) {
  return `${r.file}:${r.line}:${r.column}:${r.message}`;
}
function usedBy(set, unit) {
  const users = unit ? set.usersOf?.(unit.id) ?? [] : [];
  return users.length > 0 ? ` Applies to ${describeUnits(users)}.` : "";
}
function maskedData(data) {
  const out = {};
  for (const [key, value] of Object.entries(data))
    out[key] = maskSecrets(String(value));
  return out;
}
function compareFindings(a, b) {
  return compareText(a.file, b.file) || a.line - b.line || a.column - b.column || compareText(a.ruleId, b.ruleId) || a.endLine - b.endLine || a.endColumn - b.endColumn || compareText(a.message, b.message);
}
function compareDiagnostics(a, b) {
  return compareText(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || compareText(a.message, b.message);
}
function compareText(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
var Linter = class {
  config;
  now;
  rules;
  facts = [];
  diagnostics = [];
  texts = /* @__PURE__ */ new Map();
  /** Unit links and cross-file references the extractors found, and what each file declared, for unit views. */
  links = [];
  references = [];
  scanned = { files: /* @__PURE__ */ new Set(), declared: /* @__PURE__ */ new Map() };
  /** Texts of files that hold facts (the only files findings can point into), for fingerprints. */
  fingerprintTexts = /* @__PURE__ */ new Map();
  /** Values units take from other files, what files define for them, and the texts of both, for resolution. */
  uses = [];
  definitions = [];
  valueTexts = /* @__PURE__ */ new Map();
  /** What package.json files and lockfiles say of installed versions (src/packages/). */
  manifests = [];
  constructor(options = {}) {
    this.config = resolveConfig(options.config);
    this.now = options.now ?? /* @__PURE__ */ new Date();
    this.rules = options.rules ?? rules;
  }
  get resolvedConfig() {
    return this.config;
  }
  /** Extracts one file and keeps what the rules need; returns the extraction (the repository context looks at it). */
  add(source) {
    const extraction = extractIsolated(source, this.config);
    this.addExtraction(source.file, extraction);
    return extraction;
  }
  /** The result of `extractFile` for one file, computed here or elsewhere (a worker thread). */
  addExtraction(file, result2) {
    pushAll(this.facts, result2.facts);
    pushAll(this.diagnostics, result2.diagnostics);
    this.scanned.files.add(file);
    if (result2.links)
      pushAll(this.links, result2.links);
    if (result2.references)
      pushAll(this.references, result2.references);
    if (result2.units)
      this.scanned.declared.set(file, result2.units);
    if (result2.uses)
      pushAll(this.uses, result2.uses);
    if (result2.definitions)
      pushAll(this.definitions, result2.definitions);
    if (result2.manifest)
      this.manifests.push(result2.manifest);
    if (result2.text !== void 0 && (result2.uses || result2.definitions)) {
      this.valueTexts.set(file, result2.text);
      this.fingerprintTexts.set(file, result2.text);
    }
    if (result2.text !== void 0 && result2.facts.length > 0 && result2.text.includes(SUPPRESSION_MARKER))
      this.texts.set(file, result2.text);
    if (result2.text !== void 0 && result2.facts.some((f) => f.kind !== "file"))
      this.fingerprintTexts.set(file, result2.text);
  }
  /**
   * Runs the rules over every file added. `reportOnly`: the files findings and diagnostics are
   * kept for (the named files; the rest was read as their context). Findings are sorted by path,
   * position and rule, and diagnostics by path and position, so that the output for a file does
   * not depend on which other files were named with it (pre-commit splits long lists).
   */
  finish(reportOnly) {
    const { config, now, rules: rules2, facts, diagnostics, texts } = this;
    const ruleIds = new Set(rules2.map((r) => r.meta.id));
    const findings = [];
    const suppressed = [];
    const suppressionsByFile = /* @__PURE__ */ new Map();
    const suppressionsOf = (file) => {
      if (!suppressionsByFile.has(file)) {
        const text = texts.get(file);
        const parsed = text !== void 0 ? parseSuppressions(text) : void 0;
        if (parsed) {
          for (const d of parsed.directives) {
            for (const id of d.ruleIds) {
              if (!ruleIds.has(id.id))
                diagnostics.push({ file, line: id.line, column: id.column, message: `unknown rule id \`${id.id}\` in sslguard-disable comment` });
            }
          }
        }
        suppressionsByFile.set(file, parsed);
      }
      return suppressionsByFile.get(file);
    };
    const resolved = resolveReferences(this.references, this.scanned);
    pushAll(diagnostics, resolved.diagnostics);
    const links = [...this.links, ...resolved.links];
    const values = resolveValues({
      enabled: config.crossFile !== false,
      facts,
      uses: this.uses,
      definitions: this.definitions,
      texts: this.valueTexts,
      files: this.scanned.files,
      links,
      config
    });
    pushAll(diagnostics, values.diagnostics);
    const judged = applyClientVersions(values.facts, new VersionIndex(this.manifests));
    for (const finding of fingerprintFindings(runRules(judged, config, now, rules2, links, diagnostics), fingerprintSources(this.fingerprintTexts, judged))) {
      const hit = suppressionsOf(finding.file)?.isSuppressed(finding.ruleId, finding.line);
      if (hit) {
        suppressed.push({ ...finding, suppressed: { kind: "inline", ...hit.justification ? { justification: hit.justification } : {} } });
      } else {
        findings.push(finding);
      }
    }
    const kept = (file) => !reportOnly || reportOnly.has(file);
    return {
      findings: findings.filter((f) => kept(f.file)),
      suppressed: suppressed.filter((f) => kept(f.file)),
      diagnostics: diagnostics.filter((d) => d.file === "." || kept(d.file)).sort(compareDiagnostics),
      facts: judged
    };
  }
};
var SUPPRESSION_MARKER = "sslguard-disable";
function fingerprintSources(texts, facts) {
  const secrets = /* @__PURE__ */ new Map();
  const add = (file, span) => {
    if (!span || span.end <= span.start)
      return;
    let list = secrets.get(file);
    if (!list)
      secrets.set(file, list = []);
    list.push({ start: span.start, end: span.end });
  };
  for (const f of facts) {
    if (f.kind === "connection" && f.password.present && !f.password.placeholder)
      add(f.file, f.password.span);
    else if (f.kind === "setting" && f.category === "password" && !f.placeholder)
      add(f.file, f.valueSpan);
  }
  return (file) => {
    const text = texts.get(file);
    return text === void 0 ? void 0 : { text, secrets: secrets.get(file) ?? [] };
  };
}

// dist/src/engine/scan.js
async function scan(options) {
  const started = performance.now();
  return await scanFiles();
  async function scanFiles() {
    const repositories = options.config.crossFile !== false ? startContextRepositories(options) : void 0;
    const discovered = await discover(options.paths, {
      cwd: options.cwd,
      noIgnore: options.noIgnore ?? false,
      ignorePatterns: options.config.ignorePatterns,
      // The reader opens with O_NOFOLLOW and fstat-s what it opened, which is the check an lstat made.
      trustIndex: true,
      // Git reads the tracked files meanwhile and names those without a trigger: left unread here.
      contentFilter: { pattern: GREP_PATTERN, appliesTo: isPrefiltered }
    });
    const diagnostics = [...discovered.diagnostics];
    const linter = new Linter({ config: options.config, ...options.now ? { now: options.now } : {}, ...options.rules ? { rules: options.rules } : {} });
    const reader = new FileReader(options.config.maxFileSize);
    let filesScanned = discovered.unmatched;
    let done = 0;
    const handle = (index) => {
      const file = discovered.files[index];
      options.onProgress?.(done++, discovered.files.length);
      const read2 = reader.read(file.real ?? file.abs, manifestReadLimit(file.kinds, options.config.maxFileSize));
      if ("error" in read2) {
        const message2 = file.unverified ? unverifiedReadError(read2) : read2.error;
        if (message2)
          diagnostics.push({ file: file.rel, message: message2 });
        return;
      }
      filesScanned++;
      const kinds = file.kinds;
      const prefiltered = isPrefiltered(kinds);
      if (prefiltered && !sourceMayHoldFacts(read2.bytes)) {
        const skipped = skippedSource(file.rel, read2.bytes);
        linter.addExtraction(file.rel, skipped);
        if (file.explicit)
          named2.set(file.rel, skipped);
        return;
      }
      const source = { file: file.rel, ...file.scopePath !== void 0 ? { scopePath: file.scopePath } : {}, bytes: read2.bytes, git: file.git, mode: read2.mode };
      const extraction = linter.add(source);
      if (file.explicit)
        named2.set(file.rel, extraction);
    };
    const named2 = /* @__PURE__ */ new Map();
    for (const index of discovered.files.keys())
      handle(index);
    const reported = new Set(discovered.files.map((f) => f.rel));
    if (repositories && named2.size > 0)
      await addContext(named2, discovered.files, linter, repositories, options);
    const result2 = linter.finish(reported);
    return {
      ...result2,
      diagnostics: [...diagnostics, ...result2.diagnostics],
      filesScanned: scannedCount(filesScanned, result2.diagnostics),
      durationMs: Math.round(performance.now() - started)
    };
  }
}
function startContextRepositories(options) {
  const started = /* @__PURE__ */ new Map();
  const cache2 = /* @__PURE__ */ new Map();
  for (const named2 of options.paths) {
    const abs = import_node_path14.default.resolve(options.cwd, named2);
    let isFile2 = false;
    try {
      isFile2 = (0, import_node_fs6.statSync)(abs).isFile();
    } catch {
    }
    if (!isFile2)
      continue;
    const dir = import_node_path14.default.dirname(abs);
    const key = `dir:${dir}`;
    if (started.has(key))
      continue;
    started.set(key, findRepositoryCandidate(dir, cache2).then((candidate) => candidate ? contextRepository(started, candidate, options) : void 0));
  }
  return started;
}
function contextRepository(repositories, candidate, options) {
  let repo = repositories.get(candidate);
  if (!repo)
    repositories.set(candidate, repo = openContextRepository(candidate, { cwd: options.cwd, config: options.config, staged: false }));
  return repo;
}
async function addContext(named2, files, linter, repositories, options) {
  const byRepository = /* @__PURE__ */ new Map();
  const cache2 = /* @__PURE__ */ new Map();
  for (const file of files) {
    const extraction = named2.get(file.rel);
    if (!extraction)
      continue;
    const candidate = await findRepositoryCandidate(import_node_path14.default.dirname(file.real ?? file.abs), cache2);
    if (!candidate)
      continue;
    const group = byRepository.get(candidate) ?? /* @__PURE__ */ new Map();
    byRepository.set(candidate, group);
    group.set(file.rel, extraction);
  }
  for (const [candidate, group] of byRepository) {
    const repo = await contextRepository(repositories, candidate, options);
    if (repo)
      await addRepositoryContext(group, repo, linterTarget(linter), files.map((f) => f.rel));
  }
}
function unverifiedReadError(read2) {
  if (read2.code === "ENOENT" || read2.code === "ENOTDIR" || read2.code === "not-a-file")
    return void 0;
  if (read2.code === "ELOOP")
    return "is a symbolic link in the work tree but a regular file in the git index, not followed";
  return read2.error;
}
var OPEN_FLAGS = import_node_fs6.constants.O_RDONLY | (import_node_fs6.constants.O_NOFOLLOW ?? 0) | (import_node_fs6.constants.O_NONBLOCK ?? 0);
var FileReader = class {
  maxSize;
  buffer;
  constructor(maxSize) {
    this.maxSize = maxSize;
    this.buffer = Buffer.allocUnsafe(Math.min(maxSize, 1024 * 1024));
  }
  /** The file's bytes, valid until the next call, and its mode. */
  read(path10, maxSize = this.maxSize) {
    let fd;
    try {
      fd = (0, import_node_fs6.openSync)(path10, OPEN_FLAGS);
      const stat = (0, import_node_fs6.fstatSync)(fd);
      if (!stat.isFile())
        return { error: "not a regular file, not scanned", code: "not-a-file" };
      if (stat.size > maxSize) {
        return { error: `file is ${stat.size} bytes, above the ${maxSize}-byte limit (maxFileSize), not scanned`, code: "too-large" };
      }
      if (this.buffer.length < stat.size)
        this.buffer = Buffer.allocUnsafe(stat.size);
      let off = 0;
      while (off < stat.size) {
        const n = (0, import_node_fs6.readSync)(fd, this.buffer, off, stat.size - off, null);
        if (n === 0)
          break;
        off += n;
      }
      return { bytes: this.buffer.subarray(0, off), mode: stat.mode };
    } catch (error) {
      const e = error;
      const code2 = e.code ?? "unknown";
      if (code2 === "EACCES" || code2 === "EPERM")
        return { error: "permission denied, not scanned", code: code2 };
      if (code2 === "ELOOP")
        return { error: "is a symbolic link (changed since it was listed), not followed", code: code2 };
      return { error: `cannot read file: ${e.code ?? e.message}`, code: code2 };
    } finally {
      if (fd !== void 0)
        (0, import_node_fs6.closeSync)(fd);
    }
  }
};

// dist/src/engine/baseline.js
var import_node_path15 = __toESM(require("node:path"), 1);
var MAX_BASELINE_BYTES = 64 * 1024 * 1024;
var BASELINE_VERSION = 1;
var BaselineError = class extends Error {
  name = "BaselineError";
};
var BaselineLocation = class {
  cwd;
  display;
  abs;
  dir;
  /** `file` as the user wrote it (relative to `cwd` or absolute); shown in messages. */
  constructor(cwd, display) {
    this.cwd = cwd;
    this.display = display;
    this.abs = import_node_path15.default.resolve(cwd, display);
    this.dir = import_node_path15.default.dirname(this.abs);
  }
  /** Where a link at or above the file may lead (see files/boundary.ts). */
  boundary() {
    return workingBoundary(this.cwd);
  }
  /** A finding's path (POSIX, relative to the working directory) as the baseline records it. */
  pathOf(file) {
    return import_node_path15.default.relative(this.dir, import_node_path15.default.resolve(this.cwd, file)).split(import_node_path15.default.sep).join("/");
  }
};
function splitFingerprint(fingerprint) {
  const m = fingerprint === void 0 ? null : /^([0-9a-f]+):([1-9]\d*)$/.exec(fingerprint);
  return m ? { hash: m[1], occurrence: Number(m[2]) } : void 0;
}
var keyOf = (file, ruleId, hash) => `${file}\0${ruleId}\0${hash}`;
function applyBaseline(findings, baseline, location2) {
  const covered = /* @__PURE__ */ new Map();
  for (const e of baseline.findings) {
    const key = keyOf(e.file, e.ruleId, e.fingerprint);
    covered.set(key, (covered.get(key) ?? 0) + e.count);
  }
  const split = { fresh: [], baselined: [] };
  for (const f of findings) {
    const fp = splitFingerprint(f.fingerprint);
    const count = fp ? covered.get(keyOf(location2.pathOf(f.file), f.ruleId, fp.hash)) ?? 0 : 0;
    (fp && fp.occurrence <= count ? split.baselined : split.fresh).push(f);
  }
  return split;
}
var require15 = createRequire(__sslguardFileUrl);
var jsoncModule2;
function syntaxErrorAt(text) {
  const jsonc4 = jsoncModule2 ??= require15("jsonc-parser");
  const errors = [];
  jsonc4.parse(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (!errors.length)
    return "";
  const { line, column } = new SourceText(text).position(errors[0].offset);
  return ` at line ${line}, column ${column} (${jsonc4.printParseErrorCode(errors[0].error)})`;
}
var isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
function parseBaseline(text, display) {
  const rewrite = `fix it or rewrite it with --write-baseline ${display}`;
  let data;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch {
    const conflict = /^(<{7}|={7}|>{7})( |$)/m.test(text) ? "; it holds merge conflict markers" : "";
    throw new BaselineError(`baseline file ${display} is not valid JSON${syntaxErrorAt(text.replace(/^\uFEFF/, ""))}${conflict}: ${rewrite}`);
  }
  const bad = (what) => new BaselineError(`baseline file ${display} is not an sslguard baseline: ${what}; ${rewrite}`);
  if (!isObject(data))
    throw bad("expected a JSON object");
  if (typeof data.version !== "number")
    throw bad("`version` is missing");
  if (data.version !== BASELINE_VERSION) {
    const newer = data.version > BASELINE_VERSION ? " (written by a newer sslguard?)" : "";
    throw new BaselineError(`baseline file ${display} has version ${data.version}; this sslguard reads version ${BASELINE_VERSION}${newer}`);
  }
  if (data.fingerprintVersion !== FINGERPRINT_VERSION) {
    throw new BaselineError(`baseline file ${display} records fingerprints of version ${String(data.fingerprintVersion)}, this sslguard computes version ${FINGERPRINT_VERSION}: rewrite it with --write-baseline ${display} (that records every current finding, so review the diff)`);
  }
  if (!Array.isArray(data.findings))
    throw bad("`findings` must be an array");
  const findings = data.findings.map((e, i) => {
    const at = `findings[${i}]`;
    if (!isObject(e))
      throw bad(`${at} must be an object`);
    for (const key of ["file", "ruleId", "fingerprint"]) {
      if (typeof e[key] !== "string" || e[key] === "")
        throw bad(`${at}.${key} must be a non-empty string`);
    }
    if (!/^[0-9a-f]+$/.test(e.fingerprint))
      throw bad(`${at}.fingerprint must be hexadecimal digits`);
    if (!Number.isSafeInteger(e.count) || e.count < 1)
      throw bad(`${at}.count must be a positive whole number`);
    if (e.message !== void 0 && typeof e.message !== "string")
      throw bad(`${at}.message must be a string`);
    return {
      file: e.file,
      ruleId: e.ruleId,
      fingerprint: e.fingerprint,
      count: e.count,
      ...e.message !== void 0 ? { message: e.message } : {}
    };
  });
  return { version: BASELINE_VERSION, tool: "sslguard", fingerprintVersion: FINGERPRINT_VERSION, findings };
}
function readBaseline(location2) {
  let text;
  try {
    text = readNamedFile(location2.abs, { maxBytes: MAX_BASELINE_BYTES, boundary: location2.boundary() }).toString("utf8");
  } catch (error) {
    if (!(error instanceof FileAccessError))
      throw error;
    if (error.code === "ENOENT")
      throw new BaselineError(`baseline file ${location2.display} does not exist; create it with --write-baseline ${location2.display}`);
    if (error.code === "EISDIR")
      throw new BaselineError(`baseline file ${location2.display} is a directory`);
    if (error.system)
      throw new BaselineError(`cannot read baseline file ${location2.display}: ${error.code}`);
    throw new BaselineError(`baseline file ${location2.display} ${error.message}`);
  }
  return parseBaseline(text, location2.display);
}

// dist/src/report/types.js
function buildReport(result2, fresh, options = {}) {
  return {
    findings: options.shown ?? fresh,
    suppressed: result2.suppressed,
    diagnostics: result2.diagnostics,
    stats: {
      filesScanned: result2.filesScanned,
      errors: fresh.filter((f) => f.severity === "error").length,
      warnings: fresh.filter((f) => f.severity === "warning").length,
      suppressed: result2.suppressed.length,
      durationMs: result2.durationMs,
      ...options.baselined ? { baselined: options.baselined.length } : {}
    }
  };
}

// dist/src/report/related.js
function relatedOf(finding) {
  return (finding.related ?? []).map((r) => ({
    file: r.file,
    line: r.line,
    column: r.column,
    endLine: r.endLine,
    endColumn: r.endColumn,
    message: maskSecrets(r.message)
  }));
}
function position(r) {
  return `${r.file}:${r.line}:${r.column}`;
}

// dist/src/report/printable.js
var UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
var NAMED = { "\n": "\\n", "\r": "\\r", "	": "\\t" };
function printable(text, options = {}) {
  return text.replace(UNPRINTABLE, (c) => options.lineBreaks && (c === "\n" || c === "\r") ? c : NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

// dist/src/report/stylish.js
var style = (on) => ({
  red: (s) => on ? `\x1B[31m${s}\x1B[39m` : s,
  yellow: (s) => on ? `\x1B[33m${s}\x1B[39m` : s,
  dim: (s) => on ? `\x1B[2m${s}\x1B[22m` : s,
  bold: (s) => on ? `\x1B[1m${s}\x1B[22m` : s,
  underline: (s) => on ? `\x1B[4m${s}\x1B[24m` : s
});
var plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
var SKIPPED2 = /not scanned|skipped|cannot (?:read|parse)|too large|binary file|syntax error|invalid (?:JSON|YAML)|not a readable|not followed|outside/i;
var formatStylish = (report, options) => {
  const s = style(options.color);
  const byFile = /* @__PURE__ */ new Map();
  const group = (file) => {
    let g = byFile.get(file);
    if (!g)
      byFile.set(file, g = { findings: [], diagnostics: [] });
    return g;
  };
  for (const f of report.findings)
    group(f.file).findings.push(f);
  for (const d of report.diagnostics)
    group(d.file).diagnostics.push(d);
  const lines = [];
  for (const file of [...byFile.keys()].sort()) {
    const g = byFile.get(file);
    lines.push("", s.underline(printable(file)));
    const rows = [];
    for (const f of g.findings) {
      const trace = relatedOf(f).map((r) => `\u21B3 ${printable(position(r))}  ${printable(r.message)}`);
      rows.push([`${f.line}:${f.column}`, f.severity === "error" ? s.red("error") : s.yellow("warning"), printable(f.message), s.dim(printable(f.ruleId)), trace]);
    }
    for (const d of g.diagnostics) {
      rows.push([d.line !== void 0 ? `${d.line}:${d.column ?? 1}` : "-", s.dim(SKIPPED2.test(d.message) ? "skipped" : "note"), printable(d.message), "", []]);
    }
    const posWidth = rows.reduce((width, r) => Math.max(width, r[0].length), -Infinity);
    const sevWidth = rows.reduce((width, r) => Math.max(width, visibleLength(r[1])), -Infinity);
    for (const [pos, sev, msg, rule, trace] of rows) {
      lines.push(`  ${s.dim(pos.padEnd(posWidth))}  ${sev}${" ".repeat(sevWidth - visibleLength(sev))}  ${msg}${rule ? `  ${rule}` : ""}`);
      for (const step of trace)
        lines.push(`  ${" ".repeat(posWidth)}  ${s.dim(step)}`);
    }
  }
  const { errors, warnings, suppressed, baselined, filesScanned } = report.stats;
  const total = errors + warnings;
  lines.push("");
  const counts = `${plural(total, "problem")} (${plural(errors, "error")}, ${plural(warnings, "warning")})`;
  const extra = [`${plural(filesScanned, "file")} scanned`];
  if (suppressed)
    extra.push(`${suppressed} suppressed`);
  if (baselined)
    extra.push(`${baselined} baselined`);
  if (report.diagnostics.length)
    extra.push(`${plural(report.diagnostics.length, "file diagnostic")}`);
  if (total === 0)
    lines.push(`${s.bold("\u2714 no problems")} ${s.dim(`\xB7 ${extra.join(" \xB7 ")}`)}`);
  else
    lines.push(`${(errors ? s.red : s.yellow)(s.bold(`\u2716 ${counts}`))} ${s.dim(`\xB7 ${extra.join(" \xB7 ")}`)}`);
  return lines.join("\n").replace(/^\n/, "") + "\n";
};
function visibleLength(s) {
  return s.replace(/\u001b\[\d+m/g, "").length;
}

// dist/src/version.js
var import_node_fs7 = require("node:fs");
var cached;
function toolVersion() {
  if (cached)
    return cached;
  for (const rel of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse((0, import_node_fs7.readFileSync)(new URL(rel, __sslguardFileUrl), "utf8"));
      if (pkg.name === "sslguard" && pkg.version)
        return cached = pkg.version;
    } catch {
    }
  }
  return cached = "0.0.0";
}
var TOOL_NAME = "sslguard";
var HOMEPAGE = "https://github.com/sslguard/sslguard";
function ruleDocsUrl(ruleId) {
  return `${HOMEPAGE}/blob/v${toolVersion()}/docs/rules.md#${ruleId}`;
}

// dist/src/report/rule-classification.js
var CLASSIFICATION = {
  // Credentials and data cross the network in plaintext, readable by anyone on the path.
  "no-ssl-disabled": { securitySeverity: "8.1", cwe: [319] },
  // A committed literal password is a working credential for everyone with read access.
  "no-plaintext-password": { securitySeverity: "7.5", cwe: [798] },
  // A committed private key lets anyone impersonate the server or client it belongs to.
  "gitignore-certs": { securitySeverity: "7.5", cwe: [540, 321] },
  // Any certificate is accepted: an active man in the middle reads and changes everything.
  "no-reject-unauthorized": { securitySeverity: "7.4", cwe: [295] },
  // .env files hold an environment's real secrets.
  "gitignore-env": { securitySeverity: "7.0", cwe: [540] },
  // Encrypted but unauthenticated (require) or not bound to the host name (verify-ca).
  "require-verify-full": { securitySeverity: "5.9", cwe: [297] },
  // Protocol versions with known practical attacks.
  "tls-min-version": { securitySeverity: "5.9", cwe: [327] },
  // libpq falls back to `prefer`, which a man in the middle downgrades to plaintext.
  "require-sslmode": { securitySeverity: "5.3", cwe: [319] },
  // Other local users can read the key.
  "key-permissions": { securitySeverity: "4.4", cwe: [732] },
  // Connections fail, and the usual "fix" is switching verification off.
  "cert-expiry": { securitySeverity: "4.3", cwe: [324] },
  // Prisma reads verify-full as prefer and checks no certificate without sslaccept=strict: downgrade or impersonation.
  "prisma-ssl": { securitySeverity: "7.4", cwe: [295, 319] },
  // The setting protects nothing; the client's own default applies (or the connection fails).
  "ignored-tls-setting": { securitySeverity: "4.3", cwe: [1188] },
  // Verification depends on a default root file that may be absent or wrong.
  "require-root-cert": { securitySeverity: "3.7", cwe: [295] },
  // Verified today; a pg major upgrade silently drops the certificate check (require) or the host-name check (verify-ca).
  "pg-sslmode-alias": { securitySeverity: "3.7", cwe: [295] },
  // The host-name check fails at run time; people then lower the mode.
  "verify-full-ip-host": { securitySeverity: "3.1", cwe: [297] },
  // A relative path resolves against the process's directory: verification breaks at run time.
  "absolute-cert-path": { securitySeverity: "3.1", cwe: [] }
};
var BY_DEFAULT_SEVERITY = { error: "7.0", warning: "4.0" };
function classifyRule(meta) {
  return CLASSIFICATION[meta.id] ?? { securitySeverity: BY_DEFAULT_SEVERITY[meta.defaultSeverity], cwe: [] };
}
var CLASSIFIED_RULE_IDS = Object.keys(CLASSIFICATION);

// dist/src/report/sarif.js
var SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
var SRCROOT = "%SRCROOT%";
function pathToUriReference(file) {
  return file.split("/").map((segment) => segment === ".." || segment === "." ? segment : encodeURIComponent(segment)).join("/");
}
function ruleName(id) {
  return id.replace(/(^|-)([a-z0-9])/g, (_, __, c) => c.toUpperCase());
}
function fenceLanguage(file) {
  if (/\.[mc]?tsx?$/.test(file))
    return "ts";
  if (/\.[mc]?jsx?$/.test(file))
    return "js";
  if (/\.ya?ml$/.test(file))
    return "yaml";
  if (/\.jsonc?$/.test(file))
    return "jsonc";
  if (/(^|\/)\.env|\.env$|\.envrc$/.test(file))
    return "sh";
  return "";
}
function exampleMarkdown(example) {
  const code2 = maskSecrets(example.code.replace(/\n$/, ""));
  return code2.trim() === "" ? `\`${example.file}\`` : `\`${example.file}\`

\`\`\`${fenceLanguage(example.file)}
${code2}
\`\`\``;
}
function exampleText(example) {
  const code2 = maskSecrets(example.code.replace(/\n$/, ""));
  return code2.trim() === "" ? `  ${example.file}` : `  ${example.file}:
${code2.split("\n").map((l) => `    ${l}`).join("\n")}`;
}
var FULL_DESCRIPTION_LIMIT = 1024;
function fullDescription(rationale) {
  if (rationale.length <= FULL_DESCRIPTION_LIMIT)
    return rationale;
  const more = " (More in the rule help.)";
  const room = rationale.slice(0, FULL_DESCRIPTION_LIMIT - more.length);
  const end = Math.max(room.lastIndexOf(". "), room.lastIndexOf(".\n"), room.lastIndexOf(": "));
  return `${end > 0 ? room.slice(0, end + 1) : `${room.slice(0, room.length - 1)}\u2026`}${more}`;
}
function ruleDescriptor(meta) {
  const { securitySeverity, cwe } = classifyRule(meta);
  const url = ruleDocsUrl(meta.id);
  const bad = meta.examples.bad;
  const good = meta.examples.good;
  const markdown = [
    `**${meta.description}**`,
    meta.rationale,
    ...bad.length ? ["#### Bad", ...bad.map(exampleMarkdown)] : [],
    ...good.length ? ["#### Good", ...good.map(exampleMarkdown)] : [],
    `Suppress one finding with \`# sslguard-disable-next-line ${meta.id} -- reason\` on the line before it (\`//\` in code and JSONC). [Rule documentation](${url})`
  ].join("\n\n");
  const text = [
    meta.description,
    meta.rationale,
    ...bad.length ? ["Bad:", ...bad.map(exampleText)] : [],
    ...good.length ? ["Good:", ...good.map(exampleText)] : [],
    `Documentation: ${url}`
  ].join("\n\n");
  return {
    id: meta.id,
    name: ruleName(meta.id),
    shortDescription: { text: meta.description },
    fullDescription: { text: fullDescription(meta.rationale) },
    helpUri: url,
    help: { text, markdown },
    defaultConfiguration: { level: meta.defaultSeverity },
    properties: {
      tags: ["security", "tls", "postgres", ...cwe.map((n) => `external/cwe/cwe-${n}`)],
      precision: "high",
      "security-severity": securitySeverity
    }
  };
}
function minimalDescriptor(id, severity) {
  return {
    id,
    name: ruleName(id),
    shortDescription: { text: `sslguard rule ${id}.` },
    defaultConfiguration: { level: severity },
    properties: { tags: ["security"], "security-severity": classifyRule({ id, defaultSeverity: severity }).securitySeverity }
  };
}
function artifactLocation(file) {
  return { uri: pathToUriReference(file), uriBaseId: SRCROOT };
}
function linkText(text) {
  return text.replace(/[\\[\]]/g, (c) => `\\${c}`);
}
function traceOf(finding) {
  const related = relatedOf(finding);
  const locations = related.map((r, i) => ({
    id: i + 1,
    physicalLocation: {
      artifactLocation: artifactLocation(r.file),
      region: { startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn }
    },
    message: { text: r.message }
  }));
  const text = related.map((r, i) => ` ${r.message.replace(/\.$/, "")}: [${linkText(position(r))}](${i + 1}).`).join("");
  return { text, locations };
}
function result(finding, ruleIndex, baselineUsed) {
  const trace = traceOf(finding);
  const out = {
    ruleId: finding.ruleId,
    ruleIndex,
    level: finding.severity,
    message: { text: finding.message + trace.text },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifactLocation(finding.file),
          region: { startLine: finding.line, startColumn: finding.column, endLine: finding.endLine, endColumn: finding.endColumn }
        }
      }
    ],
    ...trace.locations.length ? { relatedLocations: trace.locations } : {},
    ...finding.fingerprint || finding.lineHash ? {
      partialFingerprints: {
        ...finding.lineHash ? { primaryLocationLineHash: finding.lineHash } : {},
        ...finding.fingerprint ? { [FINGERPRINT_KEY]: finding.fingerprint } : {}
      }
    } : {},
    properties: {
      environment: finding.environment,
      ...finding.environmentReason ? { environmentReason: finding.environmentReason } : {},
      ...finding.consumer ? { consumer: finding.consumer } : {},
      ...finding.effectiveTls ? { effectiveTls: finding.effectiveTls } : {}
    }
  };
  if (finding.suppressed) {
    out.suppressions = [{ kind: "inSource", status: "accepted", ...finding.suppressed.justification ? { justification: finding.suppressed.justification } : {} }];
  } else if (baselineUsed) {
    out.baselineState = "new";
  }
  return out;
}
function notification(d) {
  const located = d.file !== "." && d.file !== "";
  return {
    level: "warning",
    message: { text: maskSecrets(d.message) },
    ...located ? {
      locations: [
        {
          physicalLocation: {
            artifactLocation: artifactLocation(d.file),
            ...d.line !== void 0 ? { region: { startLine: d.line, ...d.column !== void 0 ? { startColumn: d.column } : {} } } : {}
          }
        }
      ]
    } : {}
  };
}
function toSarif(report, options) {
  const descriptors = (options.rules ?? []).map(ruleDescriptor);
  const baselined = report.stats.baselined;
  const indexOf = new Map(descriptors.map((d, i) => [d.id, i]));
  const all = [...report.findings, ...report.suppressed].sort((a, b) => a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  const results = all.map((f) => {
    let index = indexOf.get(f.ruleId);
    if (index === void 0) {
      index = descriptors.push(minimalDescriptor(f.ruleId, f.severity)) - 1;
      indexOf.set(f.ruleId, index);
    }
    return result(f, index, baselined !== void 0);
  });
  return {
    $schema: SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: options.version,
            semanticVersion: options.version,
            informationUri: HOMEPAGE,
            rules: descriptors
          }
        },
        // Diagnostics are per-file ("not scanned") and never stop the scan, so the run succeeded.
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: report.diagnostics.map(notification) }],
        columnKind: "utf16CodeUnits",
        results,
        ...baselined !== void 0 ? { properties: { baselined } } : {}
      }
    ]
  };
}
var formatSarif = (report, options) => JSON.stringify(toSarif(report, options), null, 2) + "\n";

// dist/src/report/workflow-commands.js
function escapeData(value) {
  return value.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function escapeProperty(value) {
  return escapeData(value).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
function workflowCommand(name, properties2, message2) {
  const props = Object.entries(properties2).filter((entry) => entry[1] !== void 0).map(([key, value]) => `${key}=${escapeProperty(printable(String(value), { lineBreaks: true }))}`).join(",");
  return `::${name}${props ? ` ${props}` : ""}::${escapeData(printable(message2, { lineBreaks: true }))}`;
}
function annotation(level, position2, title, message2) {
  const sameLine = position2.endLine === void 0 || position2.endLine === position2.line;
  return workflowCommand(level, {
    file: position2.file,
    line: position2.line,
    endLine: position2.endLine,
    col: sameLine ? position2.column : void 0,
    endColumn: sameLine ? position2.endColumn : void 0,
    title
  }, message2);
}

// dist/src/report/github.js
function findingAnnotation(f) {
  const trace = relatedOf(f).map((r) => `
\u21B3 ${position(r)}  ${r.message}`).join("");
  return annotation(f.severity, { file: f.file, line: f.line, endLine: f.endLine, column: f.column, endColumn: f.endColumn }, `${TOOL_NAME}: ${f.ruleId}`, f.message + trace);
}
function diagnosticAnnotation(d) {
  const located = d.file !== "." && d.file !== "";
  return annotation("notice", located ? { file: d.file, ...d.line !== void 0 ? { line: d.line } : {}, ...d.column !== void 0 ? { column: d.column } : {} } : {}, `${TOOL_NAME}: file not fully scanned`, d.message);
}

// dist/src/action/workflow-files.js
var import_node_crypto3 = require("node:crypto");
var import_node_fs8 = require("node:fs");
function appendOutput(file, name, value) {
  let delimiter = `ghadelimiter_${(0, import_node_crypto3.randomUUID)()}`;
  while (value.includes(delimiter) || name.includes(delimiter))
    delimiter = `ghadelimiter_${(0, import_node_crypto3.randomUUID)()}`;
  (0, import_node_fs8.appendFileSync)(file, `${name}<<${delimiter}
${value}
${delimiter}
`);
}
var SUMMARY_LIMIT_BYTES = 1024 * 1024;
function appendSummary(file, markdown) {
  (0, import_node_fs8.appendFileSync)(file, markdown.endsWith("\n") ? markdown : `${markdown}
`);
}

// dist/src/action/summary.js
var ANNOTATION_LIMIT = 10;
function cell(text) {
  return oneLine2(text).replace(/[\\`*_[\]<>&|~!#]/g, "\\$&");
}
function code(text, inTable = true) {
  const body2 = oneLine2(text);
  const longest = Math.max(0, ...[...body2.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = body2.startsWith("`") || body2.endsWith("`") ? " " : "";
  return `${fence}${pad}${inTable ? body2.replace(/\|/g, "\\|") : body2}${pad}${fence}`;
}
function message(text) {
  const line = oneLine2(text);
  let out = "";
  let i = 0;
  while (i < line.length) {
    const open = /`+/g;
    open.lastIndex = i;
    const start = open.exec(line);
    if (!start)
      break;
    const close = new RegExp(`(?<!\`)${start[0]}(?!\`)`, "g");
    close.lastIndex = start.index + start[0].length;
    const end = close.exec(line);
    if (!end) {
      out += cell(line.slice(i, start.index + start[0].length));
      i = start.index + start[0].length;
      continue;
    }
    out += cell(line.slice(i, start.index)) + line.slice(start.index, end.index + end[0].length).replace(/\|/g, "\\|");
    i = end.index + end[0].length;
  }
  return out + cell(line.slice(i));
}
function oneLine2(text) {
  return printable(text.replace(/\r?\n|\r/g, " "));
}
var plural2 = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
function location(f, blobUrl) {
  const text = code(`${f.file}:${f.line}:${f.column}`);
  if (!blobUrl || f.file.startsWith("../"))
    return text;
  const lines = f.endLine > f.line ? `#L${f.line}-L${f.endLine}` : `#L${f.line}`;
  return `[${text}](${blobUrl}/${f.file.split("/").map(encodeURIComponent).join("/")}${lines})`;
}
function countBy(findings, key) {
  const counts = /* @__PURE__ */ new Map();
  for (const f of findings) {
    let c = counts.get(key(f));
    if (!c)
      counts.set(key(f), c = { error: 0, warning: 0 });
    c[f.severity]++;
  }
  return [...counts].sort((a, b) => b[1].error - a[1].error || b[1].warning - a[1].warning || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
function annotationNote(a) {
  if (!a.enabled)
    return "Annotations are off (`annotate: false`): every finding is listed below.";
  const capped = a.errors.shown < a.errors.total || a.warnings.shown < a.warnings.total;
  if (!capped)
    return void 0;
  return `> [!NOTE]
> GitHub shows at most ${ANNOTATION_LIMIT} error and ${ANNOTATION_LIMIT} warning annotations per step: annotated ${a.errors.shown} of ${plural2(a.errors.total, "error")} and ${a.warnings.shown} of ${plural2(a.warnings.total, "warning")}. Every finding is listed below.`;
}
function buildSummary(report, context, limitBytes = SUMMARY_LIMIT_BYTES) {
  const { errors, warnings, filesScanned, suppressed, baselined } = report.stats;
  const findings = report.findings;
  const head = [];
  const verdict = errors + warnings === 0 ? "no problems" : `${plural2(errors, "error")}, ${plural2(warnings, "warning")}`;
  head.push(`## sslguard: ${verdict}`, "");
  const facts = [`${plural2(filesScanned, "file")} scanned`];
  if (suppressed)
    facts.push(`${suppressed} suppressed inline`);
  if (baselined !== void 0)
    facts.push(`${baselined} in the baseline (not listed)`);
  if (report.diagnostics.length)
    facts.push(plural2(report.diagnostics.length, "file") + " not fully scanned");
  facts.push(`fail-on: \`${context.failOn}\``);
  if (context.sarifFile)
    facts.push(`SARIF: ${code(context.sarifFile, false)}`);
  head.push(facts.join(" \xB7 "), "");
  const note = annotationNote(context.annotations);
  if (note && findings.length)
    head.push(note, "");
  if (findings.length) {
    head.push("### Findings by rule", "", "| Rule | Errors | Warnings |", "| --- | ---: | ---: |");
    for (const [rule, c] of countBy(findings, (f) => f.ruleId))
      head.push(`| [${code(rule)}](${ruleDocsUrl(rule)}) | ${c.error} | ${c.warning} |`);
    head.push("", "### Findings by file", "", "| File | Errors | Warnings |", "| --- | ---: | ---: |");
    for (const [file, c] of countBy(findings, (f) => f.file))
      head.push(`| ${code(file)} | ${c.error} | ${c.warning} |`);
    head.push("", "### All findings", "", "| Severity | Location | Rule | Message |", "| --- | --- | --- | --- |");
  }
  const rows = findings.map((f) => `| ${f.severity} | ${location(f, context.blobUrl)} | ${code(f.ruleId)} | ${message(f.message)} |`);
  const diagnosticRows = report.diagnostics.map((d) => `| ${code(d.line !== void 0 ? `${d.file}:${d.line}` : d.file)} | ${message(d.message)} |`);
  const diagnosticHead = ["", "### Files not fully scanned", "", "| File | Reason |", "| --- | --- |"];
  const out = head.join("\n");
  let size = Buffer.byteLength(out) + 400;
  const kept = [];
  for (const row of rows) {
    const bytes = Buffer.byteLength(row) + 1;
    if (size + bytes > limitBytes)
      break;
    kept.push(row);
    size += bytes;
  }
  const parts = [out, ...kept];
  if (kept.length < rows.length) {
    parts.push("", `_${rows.length - kept.length} more findings are not listed: a job summary is limited to 1 MiB. The step log and the SARIF file have all of them._`);
  }
  if (diagnosticRows.length) {
    const keptDiagnostics = [];
    size += diagnosticHead.join("\n").length;
    for (const row of diagnosticRows) {
      const bytes = Buffer.byteLength(row) + 1;
      if (size + bytes > limitBytes)
        break;
      keptDiagnostics.push(row);
      size += bytes;
    }
    if (keptDiagnostics.length)
      parts.push(...diagnosticHead, ...keptDiagnostics);
    if (keptDiagnostics.length < diagnosticRows.length)
      parts.push("", `_${diagnosticRows.length - keptDiagnostics.length} more files not listed (summary size limit)._`);
  }
  return `${parts.join("\n")}
`;
}

// dist/src/action/run.js
var InputError = class extends Error {
};
function booleanInput(name, raw, fallback) {
  const value = (raw ?? "").trim();
  if (value === "")
    return fallback;
  if (["true", "True", "TRUE"].includes(value))
    return true;
  if (["false", "False", "FALSE"].includes(value))
    return false;
  throw new InputError(`input \`${name}\` must be true or false, not "${value}"`);
}
function input(env2, name) {
  return (env2[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
}
function readInputs(env2) {
  const paths = input(env2, "paths").split(/\r?\n/).map((p) => p.trim()).filter(Boolean);
  const failOn = input(env2, "fail-on") || "error";
  if (failOn !== "error" && failOn !== "warning" && failOn !== "none") {
    throw new InputError(`input \`fail-on\` must be error, warning or none, not "${failOn}"`);
  }
  const config = input(env2, "config");
  const sarifFile = input(env2, "sarif-file");
  const baseline = input(env2, "baseline");
  return {
    paths: paths.length ? paths : ["."],
    ...config ? { config } : {},
    failOn,
    annotate: booleanInput("annotate", input(env2, "annotate"), true),
    ...sarifFile ? { sarifFile } : {},
    ...baseline ? { baseline } : {}
  };
}
function firstOf(findings, severity) {
  return findings.filter((f) => f.severity === severity).slice(0, ANNOTATION_LIMIT);
}
async function runAction(io) {
  const { env: env2 } = io;
  const workspace = env2.GITHUB_WORKSPACE || process.cwd();
  let inputs;
  try {
    inputs = readInputs(env2);
    const knownRuleIds = rules.map((r) => r.meta.id);
    const { config } = await loadConfig({ cwd: workspace, ...inputs.config ? { configFile: inputs.config } : {}, knownRuleIds });
    const baselineAt = inputs.baseline ? new BaselineLocation(workspace, inputs.baseline) : void 0;
    const baseline = baselineAt ? readBaseline(baselineAt) : void 0;
    const result2 = await scan({ paths: inputs.paths, cwd: workspace, config, ...io.now ? { now: io.now } : {} });
    const { fresh, baselined } = baseline && baselineAt ? applyBaseline(result2.findings, baseline, baselineAt) : { fresh: result2.findings, baselined: [] };
    const report = buildReport(result2, fresh, baselineAt ? { baselined } : {});
    const options = { color: !("NO_COLOR" in env2), version: toolVersion(), rules: rules.map((r) => r.meta) };
    const token = (0, import_node_crypto4.randomUUID)();
    io.stdout(`::stop-commands::${token}
${formatStylish(report, options)}::${token}::
`);
    const annotations = {
      enabled: inputs.annotate,
      errors: { shown: 0, total: report.stats.errors },
      warnings: { shown: 0, total: report.stats.warnings }
    };
    if (inputs.annotate) {
      const errors = firstOf(report.findings, "error");
      const warnings = firstOf(report.findings, "warning");
      annotations.errors.shown = errors.length;
      annotations.warnings.shown = warnings.length;
      const lines = [...errors, ...warnings].map(findingAnnotation);
      lines.push(...report.diagnostics.slice(0, ANNOTATION_LIMIT).map(diagnosticAnnotation));
      if (lines.length)
        io.stdout(`${lines.join("\n")}
`);
    }
    if (inputs.sarifFile) {
      try {
        writeNamedFile(import_node_path16.default.resolve(workspace, inputs.sarifFile), formatSarif(report, options), { boundary: workingBoundary(workspace), mkdir: true });
      } catch (error) {
        if (error instanceof FileAccessError)
          throw new InputError(`input \`sarif-file\` ${inputs.sarifFile}: ${error.message}`);
        throw error;
      }
    }
    if (env2.GITHUB_STEP_SUMMARY) {
      const blobUrl = env2.GITHUB_SERVER_URL && env2.GITHUB_REPOSITORY && env2.GITHUB_SHA ? `${env2.GITHUB_SERVER_URL}/${env2.GITHUB_REPOSITORY}/blob/${env2.GITHUB_SHA}` : void 0;
      appendSummary(env2.GITHUB_STEP_SUMMARY, buildSummary(report, { failOn: inputs.failOn, annotations, ...inputs.sarifFile ? { sarifFile: inputs.sarifFile } : {}, ...blobUrl ? { blobUrl } : {} }));
    }
    if (env2.GITHUB_OUTPUT) {
      appendOutput(env2.GITHUB_OUTPUT, "findings", String(report.stats.errors + report.stats.warnings));
      appendOutput(env2.GITHUB_OUTPUT, "errors", String(report.stats.errors));
      appendOutput(env2.GITHUB_OUTPUT, "warnings", String(report.stats.warnings));
      appendOutput(env2.GITHUB_OUTPUT, "sarif-file", inputs.sarifFile ?? "");
    }
    if (inputs.failOn === "none")
      return 0;
    const failing = inputs.failOn === "warning" ? report.stats.errors + report.stats.warnings : report.stats.errors;
    return failing > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof InputError || error instanceof ConfigError || error instanceof UsageError || error instanceof BaselineError) {
      io.stdout(`${workflowCommand("error", { title: "sslguard" }, error.message)}
`);
      return 2;
    }
    throw error;
  }
}

// dist/src/action/main.js
try {
  createRequire(__sslguardFileUrl).resolve("oxc-parser");
} catch {
  process.env.SSLGUARD_PARSER ??= "typescript-estree";
}
runAction({ env: process.env, stdout: (s) => process.stdout.write(s) }).then((code2) => {
  process.exitCode = code2;
}, (error) => {
  process.stdout.write(`${workflowCommand("error", { title: "sslguard internal error" }, error instanceof Error ? error.stack ?? error.message : String(error))}
`);
  process.exitCode = 2;
});
