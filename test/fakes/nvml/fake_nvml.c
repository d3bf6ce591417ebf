/*
 * A fake libnvidia-ml.so.1 for tests: the exact NVML C signatures, return
 * codes and struct layouts (nvml.h, API version 13, x86_64), driven by a
 * scenario file that the test rewrites between samples.
 *
 * The file named by $FAKE_NVML_SCENARIO is re-read on every call. One record
 * per line, "key=value" fields separated by spaces, values with spaces in
 * double quotes, "#" starts a comment:
 *
 *   init rc=<n>
 *       nvmlInit_v2 returns n (9 DRIVER_NOT_LOADED, 4 NO_PERMISSION, ...).
 *   gpu uuid=<s> name="<s>" energy_mj=<n> power_mw=<n> limit_mw=<n>
 *       [mig=0|1] [lost=1] [delay_ms=<n>] [fail=<nvmlFunction>:<rc>]...
 *       One board; its index is its order among "gpu" lines. delay_ms makes
 *       the energy call block that long, as a wedged driver does. lost=1 makes
 *       every call on it return 15 (GPU_IS_LOST). fail= forces a return code
 *       for one function on this board (e.g. a pre-Volta board:
 *       fail=nvmlDeviceGetTotalEnergyConsumption:3).
 *   mig gpu=<i> slot=<j> uuid=<s> gi=<n> ci=<n>
 *       A MIG device in slot j (0..6) of board i.
 *   proc gpu=<i> pid=<n> mem=<bytes> [slot=<j>]
 *       A compute process on board i (inside MIG slot j when given).
 *   sample gpu=<i> pid=<n> ts=<us> sm=<n> mem=<n>
 *       A process utilisation sample (timeStamp in microseconds).
 *
 * When $FAKE_NVML_LOG is set, every call appends one line to it
 * ("<function> <args> -> <rc>") so tests can check the calling protocol.
 * Koffi's async calls run on worker threads, so one mutex guards it all.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int nvmlReturn_t;
#define NVML_SUCCESS 0
#define NVML_ERROR_UNINITIALIZED 1
#define NVML_ERROR_INVALID_ARGUMENT 2
#define NVML_ERROR_NOT_SUPPORTED 3
#define NVML_ERROR_NO_PERMISSION 4
#define NVML_ERROR_NOT_FOUND 6
#define NVML_ERROR_INSUFFICIENT_SIZE 7
#define NVML_ERROR_DRIVER_NOT_LOADED 9
#define NVML_ERROR_GPU_IS_LOST 15
#define NVML_ERROR_LIB_RM_VERSION_MISMATCH 18
#define NVML_ERROR_UNKNOWN 999

typedef struct {
  unsigned int pid;
  unsigned long long usedGpuMemory;
  unsigned int gpuInstanceId;
  unsigned int computeInstanceId;
} nvmlProcessInfo_t;

typedef struct {
  unsigned int pid;
  unsigned long long timeStamp;
  unsigned int smUtil;
  unsigned int memUtil;
  unsigned int encUtil;
  unsigned int decUtil;
} nvmlProcessUtilizationSample_t;

_Static_assert(sizeof(nvmlProcessInfo_t) == 24, "nvmlProcessInfo_t is 24 bytes");
_Static_assert(sizeof(nvmlProcessUtilizationSample_t) == 32, "nvmlProcessUtilizationSample_t is 32 bytes");

#define MAX_GPUS 16
#define MAX_MIG 7
#define MAX_PROCS 256
#define MAX_SAMPLES 1024
#define MAX_FAILS 16
#define NOT_MIG 0xFFFFFFFFu

struct fail { char fn[64]; int rc; };
struct mig { int present; char uuid[96]; unsigned gi, ci; };
struct gpu {
  char uuid[96], name[96];
  unsigned long long energy_mj;
  unsigned power_mw, limit_mw;
  int mig_mode, lost, delay_ms, nfails;
  struct fail fails[MAX_FAILS];
  struct mig migs[MAX_MIG];
};
struct proc { int gpu, slot; unsigned pid; unsigned long long mem; };
struct sample { int gpu; unsigned pid, sm, mem; unsigned long long ts; };

static struct {
  int init_rc, ngpus, nprocs, nsamples;
  struct gpu gpus[MAX_GPUS];
  struct proc procs[MAX_PROCS];
  struct sample samples[MAX_SAMPLES];
} S;

/* A device handle points at one of these: a board (slot -1) or a MIG slot. */
struct handle { unsigned magic; int gpu, slot; };
#define HANDLE_MAGIC 0x4e564d4cu
static struct handle handles[MAX_GPUS][MAX_MIG + 1];
typedef struct handle *nvmlDevice_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int init_count = 0;

/* Copies the value of `key=` from a line into out; 1 when found. */
static int field(const char *line, const char *key, char *out, size_t outlen) {
  size_t klen = strlen(key);
  const char *p = line;
  while ((p = strstr(p, key)) != NULL) {
    if ((p == line || p[-1] == ' ' || p[-1] == '\t') && p[klen] == '=') {
      const char *v = p + klen + 1;
      size_t n = 0;
      if (*v == '"') {
        v++;
        while (v[n] && v[n] != '"') n++;
      } else {
        while (v[n] && v[n] != ' ' && v[n] != '\t' && v[n] != '\n') n++;
      }
      if (n >= outlen) n = outlen - 1;
      memcpy(out, v, n);
      out[n] = 0;
      return 1;
    }
    p += klen;
  }
  return 0;
}

static unsigned long long num(const char *line, const char *key, unsigned long long dflt) {
  char buf[64];
  if (!field(line, key, buf, sizeof buf)) return dflt;
  return strtoull(buf, NULL, 10);
}

/* Re-reads the scenario; NVML_SUCCESS or NVML_ERROR_UNKNOWN when unreadable. */
static int load(void) {
  const char *path = getenv("FAKE_NVML_SCENARIO");
  memset(&S, 0, sizeof S);
  if (!path) return NVML_ERROR_UNKNOWN;
  FILE *f = fopen(path, "r");
  if (!f) return NVML_ERROR_UNKNOWN;
  char line[1024];
  while (fgets(line, sizeof line, f)) {
    char *hash = strchr(line, '#');
    if (hash) *hash = 0;
    char kind[16] = {0};
    if (sscanf(line, "%15s", kind) != 1) continue;
    if (strcmp(kind, "init") == 0) {
      S.init_rc = (int)num(line, "rc", 0);
    } else if (strcmp(kind, "gpu") == 0 && S.ngpus < MAX_GPUS) {
      struct gpu *g = &S.gpus[S.ngpus++];
      field(line, "uuid", g->uuid, sizeof g->uuid);
      field(line, "name", g->name, sizeof g->name);
      g->energy_mj = num(line, "energy_mj", 0);
      g->power_mw = (unsigned)num(line, "power_mw", 0);
      g->limit_mw = (unsigned)num(line, "limit_mw", 0);
      g->mig_mode = (int)num(line, "mig", 0);
      g->lost = (int)num(line, "lost", 0);
      g->delay_ms = (int)num(line, "delay_ms", 0);
      const char *p = line;
      while ((p = strstr(p, "fail=")) != NULL && g->nfails < MAX_FAILS) {
        struct fail *fl = &g->fails[g->nfails];
        if (sscanf(p, "fail=%63[^:]:%d", fl->fn, &fl->rc) == 2) g->nfails++;
        p += 5;
      }
    } else if (strcmp(kind, "mig") == 0) {
      int gi = (int)num(line, "gpu", 0), slot = (int)num(line, "slot", 0);
      if (gi < MAX_GPUS && slot < MAX_MIG) {
        struct mig *m = &S.gpus[gi].migs[slot];
        m->present = 1;
        field(line, "uuid", m->uuid, sizeof m->uuid);
        m->gi = (unsigned)num(line, "gi", 0);
        m->ci = (unsigned)num(line, "ci", 0);
      }
    } else if (strcmp(kind, "proc") == 0 && S.nprocs < MAX_PROCS) {
      struct proc *p = &S.procs[S.nprocs++];
      p->gpu = (int)num(line, "gpu", 0);
      p->slot = (int)num(line, "slot", (unsigned long long)-1);
      p->pid = (unsigned)num(line, "pid", 0);
      p->mem = num(line, "mem", 0);
    } else if (strcmp(kind, "sample") == 0 && S.nsamples < MAX_SAMPLES) {
      struct sample *s = &S.samples[S.nsamples++];
      s->gpu = (int)num(line, "gpu", 0);
      s->pid = (unsigned)num(line, "pid", 0);
      s->ts = num(line, "ts", 0);
      s->sm = (unsigned)num(line, "sm", 0);
      s->mem = (unsigned)num(line, "mem", 0);
    }
  }
  fclose(f);
  return NVML_SUCCESS;
}

static void logcall(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logcall(const char *fmt, ...) {
  const char *path = getenv("FAKE_NVML_LOG");
  if (!path) return;
  FILE *f = fopen(path, "a");
  if (!f) return;
  va_list ap;
  va_start(ap, fmt);
  vfprintf(f, fmt, ap);
  va_end(ap);
  fputc('\n', f);
  fclose(f);
}

/* Common prologue for device calls: scenario loaded, initialised, valid handle, board not lost. */
static int enter(const char *fn, nvmlDevice_t dev, struct gpu **g) {
  int rc = load();
  if (rc != NVML_SUCCESS) return rc;
  if (init_count == 0) return NVML_ERROR_UNINITIALIZED;
  if (!dev || dev->magic != HANDLE_MAGIC || dev->gpu >= S.ngpus) return NVML_ERROR_INVALID_ARGUMENT;
  *g = &S.gpus[dev->gpu];
  if ((*g)->lost) return NVML_ERROR_GPU_IS_LOST;
  for (int i = 0; i < (*g)->nfails; i++)
    if (strcmp((*g)->fails[i].fn, fn) == 0) return (*g)->fails[i].rc;
  if (dev->slot >= 0 && !(*g)->migs[dev->slot].present) return NVML_ERROR_INVALID_ARGUMENT;
  return NVML_SUCCESS;
}

#define LOCKED(body)              \
  do {                            \
    pthread_mutex_lock(&lock);    \
    nvmlReturn_t rc_ = (body);    \
    pthread_mutex_unlock(&lock);  \
    return rc_;                   \
  } while (0)

static nvmlReturn_t do_init(void) {
  int rc = load();
  if (rc == NVML_SUCCESS) rc = S.init_rc;
  if (rc == NVML_SUCCESS) init_count++;
  logcall("nvmlInit_v2 -> %d", rc);
  return rc;
}
nvmlReturn_t nvmlInit_v2(void) { LOCKED(do_init()); }

static nvmlReturn_t do_shutdown(void) {
  if (init_count == 0) return NVML_ERROR_UNINITIALIZED;
  init_count--;
  logcall("nvmlShutdown -> 0");
  return NVML_SUCCESS;
}
nvmlReturn_t nvmlShutdown(void) { LOCKED(do_shutdown()); }

const char *nvmlErrorString(nvmlReturn_t result) {
  switch (result) {
    case NVML_SUCCESS: return "Success";
    case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
    case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
    case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
    case NVML_ERROR_NO_PERMISSION: return "Insufficient Permissions";
    case NVML_ERROR_NOT_FOUND: return "Not Found";
    case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
    case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
    case NVML_ERROR_GPU_IS_LOST: return "GPU is lost";
    case NVML_ERROR_LIB_RM_VERSION_MISMATCH: return "RM has detected an NVML/RM version mismatch.";
    default: return "Unknown Error";
  }
}

static nvmlReturn_t do_count(unsigned int *count) {
  int rc = load();
  if (rc == NVML_SUCCESS && init_count == 0) rc = NVML_ERROR_UNINITIALIZED;
  if (rc == NVML_SUCCESS && !count) rc = NVML_ERROR_INVALID_ARGUMENT;
  if (rc == NVML_SUCCESS) *count = (unsigned)S.ngpus;
  logcall("nvmlDeviceGetCount_v2 -> %d", rc);
  return rc;
}
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *deviceCount) { LOCKED(do_count(deviceCount)); }

static nvmlReturn_t do_handle(unsigned int index, nvmlDevice_t *device) {
  int rc = load();
  if (rc == NVML_SUCCESS && init_count == 0) rc = NVML_ERROR_UNINITIALIZED;
  if (rc == NVML_SUCCESS && (!device || index >= (unsigned)S.ngpus)) rc = NVML_ERROR_INVALID_ARGUMENT;
  if (rc == NVML_SUCCESS) {
    struct handle *h = &handles[index][0];
    h->magic = HANDLE_MAGIC;
    h->gpu = (int)index;
    h->slot = -1;
    *device = h;
  }
  logcall("nvmlDeviceGetHandleByIndex_v2 %u -> %d", index, rc);
  return rc;
}
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) { LOCKED(do_handle(index, device)); }

static nvmlReturn_t copy_string(const char *s, char *out, unsigned int length) {
  if (!out) return NVML_ERROR_INVALID_ARGUMENT;
  if (strlen(s) + 1 > length) return NVML_ERROR_INSUFFICIENT_SIZE;
  strcpy(out, s);
  return NVML_SUCCESS;
}

static nvmlReturn_t do_uuid(nvmlDevice_t dev, char *uuid, unsigned int length) {
  struct gpu *g;
  int rc = enter("nvmlDeviceGetUUID", dev, &g);
  if (rc == NVML_SUCCESS) rc = copy_string(dev->slot >= 0 ? g->migs[dev->slot].uuid : g->uuid, uuid, length);
  return rc;
}
nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length) { LOCKED(do_uuid(device, uuid, length)); }

static nvmlReturn_t do_name(nvmlDevice_t dev, char *name, unsigned int length) {
  struct gpu *g;
  int rc = enter("nvmlDeviceGetName", dev, &g);
  if (rc == NVML_SUCCESS) rc = copy_string(g->name, name, length);
  return rc;
}
nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length) { LOCKED(do_name(device, name, length)); }

static nvmlReturn_t do_limit(nvmlDevice_t dev, unsigned int *limit) {
  struct gpu *g;
  int rc = enter("nvmlDeviceGetEnforcedPowerLimit", dev, &g);
  if (rc == NVML_SUCCESS && dev->slot >= 0) rc = NVML_ERROR_NOT_SUPPORTED;
  if (rc == NVML_SUCCESS && !limit) rc = NVML_ERROR_INVALID_ARGUMENT;
  if (rc == NVML_SUCCESS) *limit = g->limit_mw;
  return rc;
}
nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned int *limit) { LOCKED(do_limit(device, limit)); }

static nvmlReturn_t do_power(nvmlDevice_t dev, unsigned int *power) {
  struct gpu *g;
  int rc = enter("nvmlDeviceGetPowerUsage", dev, &g);
  if (rc == NVML_SUCCESS && dev->slot >= 0) rc = NVML_ERROR_NOT_SUPPORTED;
  if (rc == NVML_SUCCESS && !power) rc = NVML_ERROR_INVALID_ARGUMENT;
  if (rc == NVML_SUCCESS) *power = g->power_mw;
  logcall("nvmlDeviceGetPowerUsage %d -> %d", dev ? dev->gpu : -1, rc);
  return rc;
}
nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power) { LOCKED(do_power(device, power)); }

static nvmlReturn_t do_energy(nvmlDevice_t dev, unsigned long long *energy) {
  struct gpu *g;
  int rc = enter("nvmlDeviceGetTotalEnergyConsumption", dev, &g);
  if (rc == NVML_SUCCESS && dev->slot >= 0) rc = NVML_ERROR_NOT_SUPPORTED;
  if (rc == NVML_SUCCESS && !energy) rc = NVML_ERROR_INVALID_ARGUMENT;
  if (rc == NVML_SUCCESS) *energy = g->energy_mj;
  if (rc == NVML_SUCCESS && g->delay_ms > 0) {
    struct timespec ts = {g->delay_ms / 1000, (long)(g->delay_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
  }
  logcall("nvmlDeviceGetTotalEnergyConsumption %d -> %d", dev ? dev->gpu : -1, rc);
  return rc;
}
nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, unsigned long long *energy) { LOCKED(do_energy(device, energy)); }

/* NVML's sizing protocol: too small a buffer -> INSUFFICIENT_SIZE and the count needed. */
static nvmlReturn_t do_procs(nvmlDevice_t dev, unsigned int *count, nvmlProcessInfo_t *infos) {
  struct gpu *g;
  int rc = enter("nvmlDeviceGetComputeRunningProcesses_v3", dev, &g);
  unsigned given = count ? *count : 0;
  if (rc == NVML_SUCCESS && !count) rc = NVML_ERROR_INVALID_ARGUMENT;
  if (rc == NVML_SUCCESS) {
    unsigned n = 0;
    for (int i = 0; i < S.nprocs; i++) {
      struct proc *p = &S.procs[i];
      if (p->gpu != dev->gpu) continue;
      /* A board handle in MIG mode lists every instance's processes; a MIG handle only its own. */
      if (dev->slot >= 0 && p->slot != dev->slot) continue;
      if (n < given && infos) {
        nvmlProcessInfo_t *out = &infos[n];
        out->pid = p->pid;
        out->usedGpuMemory = p->mem;
        int in_mig = p->slot >= 0 && p->slot < MAX_MIG && g->migs[p->slot].present;
        out->gpuInstanceId = in_mig ? g->migs[p->slot].gi : NOT_MIG;
        out->computeInstanceId = in_mig ? g->migs[p->slot].ci : NOT_MIG;
      }
      n++;
    }
    *count = n;
    if (n > given || (n > 0 && !infos)) rc = NVML_ERROR_INSUFFICIENT_SIZE;
  }
  logcall("nvmlDeviceGetComputeRunningProcesses_v3 %d/%d count=%u -> %d", dev ? dev->gpu : -1, dev ? dev->slot : -1, given, rc);
  return rc;
}
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int *infoCount, nvmlProcessInfo_t *infos) {
  LOCKED(do_procs(device, infoCount, infos));
}

static nvmlReturn_t do_util(nvmlDevice_t dev, nvmlProcessUtilizationSample_t *buf, unsigned int *count, unsigned long long lastSeen) {
  struct gpu *g;
  int rc = enter("nvmlDeviceGetProcessUtilization", dev, &g);
  unsigned given = count ? *count : 0;
  if (rc == NVML_SUCCESS && (dev->slot >= 0 || g->mig_mode)) rc = NVML_ERROR_NOT_SUPPORTED;
  if (rc == NVML_SUCCESS && !count) rc = NVML_ERROR_INVALID_ARGUMENT;
  if (rc == NVML_SUCCESS) {
    unsigned n = 0;
    for (int i = 0; i < S.nsamples; i++) {
      struct sample *s = &S.samples[i];
      if (s->gpu != dev->gpu || s->ts <= lastSeen) continue;
      if (buf && n < given) {
        buf[n].pid = s->pid;
        buf[n].timeStamp = s->ts;
        buf[n].smUtil = s->sm;
        buf[n].memUtil = s->mem;
        buf[n].encUtil = 0;
        buf[n].decUtil = 0;
      }
      n++;
    }
    if (n == 0) rc = NVML_ERROR_NOT_FOUND;
    else if (!buf || n > given) rc = NVML_ERROR_INSUFFICIENT_SIZE;
    *count = n;
  }
  logcall("nvmlDeviceGetProcessUtilization %d buf=%s count=%u lastSeen=%llu -> %d", dev ? dev->gpu : -1, buf ? "yes" : "null", given, lastSeen, rc);
  return rc;
}
nvmlReturn_t nvmlDeviceGetProcessUtilization(nvmlDevice_t device, nvmlProcessUtilizationSample_t *utilization, unsigned int *processSamplesCount,
                                             unsigned long long lastSeenTimeStamp) {
  LOCKED(do_util(device, utilization, processSamplesCount, lastSeenTimeStamp));
}

static nvmlReturn_t do_mig_mode(nvmlDevice_t dev, unsigned int *current, unsigned int *pending) {
  struct gpu *g;
  int rc = enter("nvmlDeviceGetMigMode", dev, &g);
  if (rc == NVML_SUCCESS && (!current || !pending)) rc = NVML_ERROR_INVALID_ARGUMENT;
  if (rc == NVML_SUCCESS) *current = *pending = (unsigned)g->mig_mode;
  return rc;
}
nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t device, unsigned int *currentMode, unsigned int *pendingMode) {
  LOCKED(do_mig_mode(device, currentMode, pendingMode));
}

static nvmlReturn_t do_max_mig(nvmlDevice_t dev, unsigned int *count) {
  struct gpu *g;
  int rc = enter("nvmlDeviceGetMaxMigDeviceCount", dev, &g);
  if (rc == NVML_SUCCESS && !count) rc = NVML_ERROR_INVALID_ARGUMENT;
  if (rc == NVML_SUCCESS) *count = g->mig_mode ? MAX_MIG : 0;
  return rc;
}
nvmlReturn_t nvmlDeviceGetMaxMigDeviceCount(nvmlDevice_t device, unsigned int *count) { LOCKED(do_max_mig(device, count)); }

static nvmlReturn_t do_mig_handle(nvmlDevice_t dev, unsigned int index, nvmlDevice_t *mig) {
  struct gpu *g;
  int rc = enter("nvmlDeviceGetMigDeviceHandleByIndex", dev, &g);
  if (rc == NVML_SUCCESS && (!mig || dev->slot >= 0 || index >= MAX_MIG)) rc = NVML_ERROR_INVALID_ARGUMENT;
  if (rc == NVML_SUCCESS && !g->mig_mode) rc = NVML_ERROR_NOT_SUPPORTED;
  if (rc == NVML_SUCCESS && !g->migs[index].present) rc = NVML_ERROR_NOT_FOUND;
  if (rc == NVML_SUCCESS) {
    struct handle *h = &handles[dev->gpu][index + 1];
    h->magic = HANDLE_MAGIC;
    h->gpu = dev->gpu;
    h->slot = (int)index;
    *mig = h;
  }
  return rc;
}
nvmlReturn_t nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_t device, unsigned int index, nvmlDevice_t *migDevice) {
  LOCKED(do_mig_handle(device, index, migDevice));
}

static nvmlReturn_t do_instance_id(const char *fn, nvmlDevice_t dev, unsigned int *id, int compute) {
  struct gpu *g;
  int rc = enter(fn, dev, &g);
  if (rc == NVML_SUCCESS && !id) rc = NVML_ERROR_INVALID_ARGUMENT;
  if (rc == NVML_SUCCESS && dev->slot < 0) rc = NVML_ERROR_NOT_SUPPORTED;
  if (rc == NVML_SUCCESS) *id = compute ? g->migs[dev->slot].ci : g->migs[dev->slot].gi;
  return rc;
}
nvmlReturn_t nvmlDeviceGetGpuInstanceId(nvmlDevice_t device, unsigned int *id) { LOCKED(do_instance_id("nvmlDeviceGetGpuInstanceId", device, id, 0)); }
nvmlReturn_t nvmlDeviceGetComputeInstanceId(nvmlDevice_t device, unsigned int *id) {
  LOCKED(do_instance_id("nvmlDeviceGetComputeInstanceId", device, id, 1));
}
