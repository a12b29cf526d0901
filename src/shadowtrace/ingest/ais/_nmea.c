/*
 * _nmea.c -- the C core of shadowtrace's NMEA 0183 AIS decoder.
 *
 * One pass per line: tag block, NMEA checksum, field split, 6-bit de-armouring
 * and bit extraction straight into Arrow column buffers.  Everything here is
 * bounds-checked: the input is untrusted (binary garbage, NUL bytes, huge or
 * truncated lines) and must never crash or hang the decoder.
 *
 * Message layouts follow ITU-R M.1371-5, Annex 8 ("AIS messages"); bit offsets
 * in the comments are 0-based from the start of the reassembled payload.
 *
 * Python API (see _nmea.pyi):
 *
 *   Decoder(source_id, *, multipart_window=200, max_line_bytes=1024)
 *   Decoder.feed(block: bytes, first_line: int) -> dict
 *   Decoder.finish() -> dict
 *
 * Both return {"stats": {...}, <table>: (n_rows, columns), ...} where <table>
 * is one of "positions", "statics", "other", "rejects" (present only when it
 * has rows) and columns lists, in schema order, one tuple per column:
 *   fixed width / bool:  (null_count, validity | None, data)
 *   string / binary:     (null_count, validity | None, offsets (int32), data)
 * ready for pyarrow.Array.from_buffers.  Stats are the delta of that call.
 *
 * Line accounting: every line read is counted exactly once as decoded,
 * rejected (one row in "rejects") or ignored by rule.  Lines holding fragments
 * of a multipart message are counted when the message completes (decoded) or
 * is given up (rejected multipart_incomplete).  A line holding several
 * sentences (several tag block + sentence pairs) counts once: rejected with
 * the cause of its first failing sentence if any of them fails, else decoded.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Reject causes and ignore rules (names as declared in ingest/stats.py)    */
/* ------------------------------------------------------------------------ */

enum {
    C_NONE, /* 0: no reject (functions return 0 on success, else a cause) */
    C_CHECKSUM,
    C_TRUNCATED,
    C_MALFORMED,
    C_UNKNOWN_TALKER,
    C_OVERSIZE,
    C_NON_ASCII,
    C_NOT_NMEA,
    C_BAD_PAYLOAD,
    C_TOO_SHORT,
    C_BAD_TAG,
    C_ORPHAN,
    C_INCOMPLETE,
    N_CAUSES
};

static const char *const CAUSE_NAMES[N_CAUSES] = {
    "",               "checksum",       "truncated",         "malformed",        "unknown_talker",
    "oversize",       "non_ascii",         "not_nmea",         "bad_payload",
    "payload_too_short", "bad_tag_block",  "multipart_orphan", "multipart_incomplete",
};

enum { I_BLANK, I_COMMENT, I_TIMESTAMP, I_NON_AIS, N_IGNORES };

static const char *const IGNORE_NAMES[N_IGNORES] = {
    "blank", "comment", "timestamp_line", "non_ais_nmea",
};

#define MAX_REJECT_RAW 1024 /* models/tables.py MAX_REJECT_RAW_BYTES */
#define MAX_FRAGMENTS 9     /* IEC 61162-1: 1..9 sentences per message */
#define MAX_CHANNEL 4       /* longest channel field accepted */

/* ------------------------------------------------------------------------ */
/* Column buffers                                                            */
/* ------------------------------------------------------------------------ */

enum { K_BOOL, K_U8, K_I16, K_I32, K_I64, K_F32, K_F64, K_STR };

static const size_t KIND_WIDTH[] = {0, 1, 2, 4, 8, 4, 8, 0};

typedef struct {
    uint8_t kind;
    uint8_t *data;  /* values (fixed width), bits (bool) or bytes (string) */
    size_t dcap;    /* bytes allocated in data */
    size_t dlen;    /* string bytes used */
    uint8_t *valid; /* validity bitmap, 1 = valid; bits past n are 1 */
    int32_t *offs;  /* string offsets, n + 1 used */
    Py_ssize_t nulls;
} Col;

typedef struct {
    int ncols;
    const uint8_t *kinds;
    Col *cols;
    size_t n, cap;
} Table;

enum { T_POS, T_STAT, T_OTHER, T_REJ, N_TABLES };

static const char *const TABLE_NAMES[N_TABLES] = {"positions", "statics", "other", "rejects"};

/* provenance columns shared by positions, statics and other */
#define PROV_KINDS K_I32, K_I64, K_I64, K_I64, K_STR, K_STR, K_U8, K_U8, K_I32
enum { PV_SOURCE, PV_LINE, PV_LINE_LAST, PV_TS, PV_STATION, PV_CHANNEL, PV_TYPE, PV_REPEAT, PV_MMSI, N_PROV };

/* positions: provenance + these, in models/tables.py order */
enum {
    P_LAT, P_LON, P_SOG, P_COG, P_HEADING, P_NAV, P_TURN, P_ACC, P_SEC, P_MAN, P_RAIM,
    P_RADIO, P_EPFD, P_RUTC, P_ALT, P_CS, P_DISPLAY, P_DSC, P_BAND, P_MSG22, P_ASSIGNED,
    P_GNSS, N_POS
};
static const uint8_t POS_KINDS[] = {
    PROV_KINDS, K_F64, K_F64, K_F32, K_F32, K_I16, K_U8, K_F32, K_BOOL, K_U8, K_U8, K_BOOL,
    K_I32, K_U8, K_I64, K_I16, K_BOOL, K_BOOL, K_BOOL, K_BOOL, K_BOOL, K_BOOL, K_BOOL,
};

/* statics: provenance + these */
enum {
    S_PART, S_VERSION, S_IMO, S_CALLSIGN, S_NAME, S_SHIPTYPE, S_BOW, S_STERN, S_PORT, S_STBD,
    S_EPFD, S_ETA_MONTH, S_ETA_DAY, S_ETA_HOUR, S_ETA_MINUTE, S_DRAUGHT, S_DEST, S_DTE,
    S_VENDOR, S_MODEL, S_SERIAL, S_MOTHER, S_AID_TYPE, S_OFFPOS, S_VIRTUAL, N_STAT
};
static const uint8_t STAT_KINDS[] = {
    PROV_KINDS, K_U8, K_U8, K_I32, K_STR, K_STR, K_U8, K_I16, K_I16, K_I16, K_I16,
    K_U8, K_U8, K_U8, K_U8, K_U8, K_F32, K_STR, K_BOOL,
    K_STR, K_U8, K_I32, K_I32, K_U8, K_BOOL, K_BOOL,
};

static const uint8_t OTHER_KINDS[] = {PROV_KINDS, K_STR, K_U8};
static const uint8_t REJ_KINDS[] = {K_I32, K_I64, K_STR, K_STR};

static int table_init(Table *t, const uint8_t *kinds, int ncols)
{
    memset(t, 0, sizeof(*t));
    t->kinds = kinds;
    t->ncols = ncols;
    t->cols = (Col *)calloc((size_t)ncols, sizeof(Col));
    if (!t->cols)
        return -1;
    for (int i = 0; i < ncols; i++)
        t->cols[i].kind = kinds[i];
    return 0;
}

static void table_free(Table *t)
{
    if (!t->cols)
        return;
    for (int i = 0; i < t->ncols; i++) {
        free(t->cols[i].data);
        free(t->cols[i].valid);
        free(t->cols[i].offs);
    }
    free(t->cols);
    t->cols = NULL;
}

/* Grow every column of t to hold at least need rows. */
static int table_grow(Table *t, size_t need)
{
    size_t cap = t->cap ? t->cap : 1024;
    while (cap < need)
        cap *= 2;
    size_t vold = (t->cap + 7) / 8, vnew = (cap + 7) / 8;
    for (int i = 0; i < t->ncols; i++) {
        Col *c = &t->cols[i];
        uint8_t *v = (uint8_t *)realloc(c->valid, vnew);
        if (!v)
            return -1;
        memset(v + vold, 0xFF, vnew - vold);
        c->valid = v;
        if (c->kind == K_STR) {
            int32_t *o = (int32_t *)realloc(c->offs, (cap + 1) * sizeof(int32_t));
            if (!o)
                return -1;
            if (!c->offs)
                o[0] = 0;
            c->offs = o;
        } else {
            size_t bytes = c->kind == K_BOOL ? vnew : cap * KIND_WIDTH[c->kind];
            uint8_t *d = (uint8_t *)realloc(c->data, bytes);
            if (!d)
                return -1;
            c->data = d;
            c->dcap = bytes;
        }
    }
    t->cap = cap;
    return 0;
}

/* Reset after export: keep the memory, mark everything valid again. */
static void table_reset(Table *t)
{
    size_t vb = (t->n + 7) / 8;
    for (int i = 0; i < t->ncols; i++) {
        Col *c = &t->cols[i];
        if (c->valid && vb)
            memset(c->valid, 0xFF, vb);
        c->nulls = 0;
        c->dlen = 0;
        if (c->offs)
            c->offs[0] = 0;
    }
    t->n = 0;
}

static inline void set_null_bit(Col *c, size_t r)
{
    c->valid[r >> 3] &= (uint8_t)~(1u << (r & 7));
    c->nulls++;
}

static inline void put_u8(Col *c, size_t r, unsigned v) { c->data[r] = (uint8_t)v; }
static inline void put_i16(Col *c, size_t r, int v) { ((int16_t *)c->data)[r] = (int16_t)v; }
static inline void put_i32(Col *c, size_t r, int32_t v) { ((int32_t *)c->data)[r] = v; }
static inline void put_i64(Col *c, size_t r, int64_t v) { ((int64_t *)c->data)[r] = v; }
static inline void put_f32(Col *c, size_t r, float v) { ((float *)c->data)[r] = v; }
static inline void put_f64(Col *c, size_t r, double v) { ((double *)c->data)[r] = v; }

static inline void put_bool(Col *c, size_t r, int v)
{
    if (v)
        c->data[r >> 3] |= (uint8_t)(1u << (r & 7));
    else
        c->data[r >> 3] &= (uint8_t)~(1u << (r & 7));
}

/* A null fixed-width / bool value: zeroed data, cleared validity bit. */
static inline void put_null(Col *c, size_t r)
{
    if (c->kind == K_BOOL)
        put_bool(c, r, 0);
    else
        memset(c->data + r * KIND_WIDTH[c->kind], 0, KIND_WIDTH[c->kind]);
    set_null_bit(c, r);
}

static int put_str(Col *c, size_t r, const char *s, size_t len)
{
    size_t need = c->dlen + len;
    if (need > (size_t)INT32_MAX)
        return -1;
    if (need > c->dcap) {
        size_t cap = c->dcap ? c->dcap : 4096;
        while (cap < need)
            cap *= 2;
        uint8_t *d = (uint8_t *)realloc(c->data, cap);
        if (!d)
            return -1;
        c->data = d;
        c->dcap = cap;
    }
    if (len)
        memcpy(c->data + c->dlen, s, len);
    c->dlen = need;
    c->offs[r + 1] = (int32_t)need;
    return 0;
}

static inline void put_str_null(Col *c, size_t r)
{
    c->offs[r + 1] = (int32_t)c->dlen;
    set_null_bit(c, r);
}

/* ------------------------------------------------------------------------ */
/* Decoder state                                                             */
/* ------------------------------------------------------------------------ */

typedef struct {
    int64_t lines_read, lines_decoded, lines_rejected, untimed;
    int64_t ignored[N_IGNORES];
    int64_t causes[N_CAUSES];
    int64_t by_type[64];
} Stats;

/* One line that still has fragments waiting for the rest of their message. */
typedef struct {
    int64_t line;
    char *raw;
    size_t rawlen;
    int outstanding; /* fragments of this line still pending */
    int cause;       /* first reject cause met on this line, C_NONE if none */
    int in_progress; /* the line is still being processed */
    int next_free;
} Ledger;

typedef struct {
    int64_t line;
    int ledger;
    char *buf; /* owned copy: payload, then station, then channel */
    size_t payload_len, station_len, channel_len;
    int has_station;
    int fill;
    int has_ts;
    int64_t ts;
} Frag;

typedef struct {
    int by_group;
    uint64_t group;
    char chan[MAX_CHANNEL];
    int chan_len;
    int64_t seq; /* -1: empty sequential message id */
    int count, have;
    int64_t first_line;
    Frag frag[MAX_FRAGMENTS];
} Pending;

typedef struct {
    PyObject_HEAD
    int32_t source_id;
    int64_t window;
    size_t max_line;
    int busy;
    int oom;
    Table tab[N_TABLES];
    Stats st;
    /* time (and station) of a timestamp line, for the next AIS sentence */
    int pend_has_ts;
    int64_t pend_ts;
    int pend_has_station;
    char *pend_station;
    size_t pend_station_len, pend_station_cap;
    /* multipart */
    Pending **pend;
    int npend, cappend;
    Ledger *ledger;
    int nledger, capledger, free_ledger;
    /* scratch */
    uint8_t *bits;
    size_t bits_cap;
    char *asm_buf;
    size_t asm_cap;
} Decoder;

/* ------------------------------------------------------------------------ */
/* Small parsing helpers                                                     */
/* ------------------------------------------------------------------------ */

static int8_t ARMOUR[256]; /* 6-bit value of a payload character, -1 if invalid */
static const char SIXBIT[65] = "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?";
static float TURN[256];      /* rate of turn by raw (int8 + 128), as pyais reports it */

static void init_tables(void)
{
    for (int c = 0; c < 256; c++) {
        int v = -1;
        if (c >= 48 && c <= 87)
            v = c - 48;
        else if (c >= 96 && c <= 119)
            v = c - 56;
        ARMOUR[c] = (int8_t)v;
    }
    /* ITU-R M.1371-5 Table 45: ROT_AIS = 4.733 * sqrt(ROT_sensor); pyais reports
     * copysign(round((raw / 4.733) ** 2), raw), +-127 as is; -128 = n/a. */
    for (int raw = -128; raw <= 127; raw++) {
        float v;
        if (raw == 0)
            v = 0.0f;
        else if (raw == 127 || raw == -127 || raw == -128)
            v = (float)raw;
        else {
            double x = (double)raw / 4.733;
            v = (float)copysign(nearbyint(x * x), (double)raw);
        }
        TURN[raw + 128] = v;
    }
}

static inline int is_digit(char c) { return c >= '0' && c <= '9'; }
static inline int is_upper_or_digit(char c) { return (c >= 'A' && c <= 'Z') || is_digit(c); }
static inline int is_alnum(char c)
{
    return is_upper_or_digit(c) || (c >= 'a' && c <= 'z');
}

static inline int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static inline unsigned xor_bytes(const char *p, const char *e)
{
    unsigned x = 0;
    for (; p < e; p++)
        x ^= (unsigned char)*p;
    return x;
}

/* Parse an unsigned decimal of 1..maxd digits spanning exactly [p, e). */
static int parse_uint(const char *p, const char *e, int maxd, int64_t *out)
{
    if (p >= e || e - p > maxd)
        return -1;
    int64_t v = 0;
    for (; p < e; p++) {
        if (!is_digit(*p))
            return -1;
        v = v * 10 + (*p - '0');
    }
    *out = v;
    return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int64_t y, int64_t m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

/* Milliseconds since the epoch of a validated UTC date-time, -1 if invalid. */
static int civil_ms(int64_t y, int64_t mo, int64_t d, int64_t h, int64_t mi, int64_t s,
                    int64_t ms, int64_t *out)
{
    if (y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h < 0 ||
        h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60 || ms < 0 || ms > 999)
        return -1;
    *out = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000 + s * 1000 + ms;
    return 0;
}

/*
 * Unix time "digits[.fraction]" spanning exactly [p, e): seconds, or
 * milliseconds when the integer part exceeds 1e11 (then the fraction is
 * dropped).  min_digits guards against small numbers taken for times.
 */
static int parse_unix(const char *p, const char *e, int min_digits, int64_t *ms)
{
    const char *q = p;
    while (q < e && is_digit(*q))
        q++;
    int64_t v;
    if (q - p < min_digits || parse_uint(p, q, 15, &v) < 0)
        return -1;
    int64_t frac = 0;
    if (q < e) {
        if (*q != '.' || q + 1 >= e)
            return -1;
        int n = 0;
        for (const char *f = q + 1; f < e; f++, n++) {
            if (!is_digit(*f))
                return -1;
            if (n < 3)
                frac = frac * 10 + (*f - '0');
        }
        for (; n < 3; n++)
            frac *= 10;
    }
    *ms = v > 100000000000LL ? v : v * 1000 + frac;
    return 0;
}

/*
 * ISO 8601 "YYYY-MM-DD[T ]hh:mm:ss[.fff][Z|+hh:mm|-hh:mm]" at p; returns the
 * number of characters used, 0 if there is no such time at p.
 */
static Py_ssize_t parse_iso(const char *p, const char *e, int64_t *ms)
{
    const char *q = p;
    int64_t y, mo, d, h, mi, s, frac = 0;
    if (e - q < 19 || q[4] != '-' || q[7] != '-' || (q[10] != 'T' && q[10] != ' ') ||
        q[13] != ':' || q[16] != ':')
        return 0;
    if (parse_uint(q, q + 4, 4, &y) || parse_uint(q + 5, q + 7, 2, &mo) ||
        parse_uint(q + 8, q + 10, 2, &d) || parse_uint(q + 11, q + 13, 2, &h) ||
        parse_uint(q + 14, q + 16, 2, &mi) || parse_uint(q + 17, q + 19, 2, &s))
        return 0;
    q += 19;
    if (q < e && *q == '.') {
        int n = 0;
        q++;
        while (q < e && is_digit(*q)) {
            if (n < 3)
                frac = frac * 10 + (*q - '0');
            n++;
            q++;
        }
        if (n == 0)
            return 0;
        for (; n < 3; n++)
            frac *= 10;
    }
    int64_t offset_min = 0;
    if (q < e && *q == 'Z') {
        q++;
    } else if (q < e && (*q == '+' || *q == '-') && e - q >= 6 && q[3] == ':') {
        int64_t oh, om;
        if (parse_uint(q + 1, q + 3, 2, &oh) || parse_uint(q + 4, q + 6, 2, &om) || oh > 23 ||
            om > 59)
            return 0;
        offset_min = (*q == '+' ? 1 : -1) * (oh * 60 + om);
        q += 6;
    }
    int64_t v;
    if (civil_ms(y, mo, d, h, mi, s, frac, &v) < 0)
        return 0;
    *ms = v - offset_min * 60000;
    return q - p;
}

/* ------------------------------------------------------------------------ */
/* Bits                                                                      */
/* ------------------------------------------------------------------------ */

typedef struct {
    const uint8_t *b;
    int nbits;
} Bits;

/* width 1..57 bits at start; the buffer has 8 zero bytes of slack past the payload */
static inline uint64_t getu(const Bits *m, int start, int width)
{
    const uint8_t *q = m->b + (start >> 3);
    uint64_t w = ((uint64_t)q[0] << 56) | ((uint64_t)q[1] << 48) | ((uint64_t)q[2] << 40) |
                 ((uint64_t)q[3] << 32) | ((uint64_t)q[4] << 24) | ((uint64_t)q[5] << 16) |
                 ((uint64_t)q[6] << 8) | (uint64_t)q[7];
    w <<= (start & 7);
    return w >> (64 - width);
}

static inline int64_t gets(const Bits *m, int start, int width)
{
    uint64_t u = getu(m, start, width);
    uint64_t sign = (uint64_t)1 << (width - 1);
    return (int64_t)(u ^ sign) - (int64_t)sign;
}

static inline int has(const Bits *m, int start, int width) { return start + width <= m->nbits; }

/*
 * 6-bit text of up to nchars characters at start, only whole characters that
 * are present.  Cut at the first '@' (end of text), trim spaces both ends.
 * Returns the length written to out (0 = null).
 */
static int get_text(const Bits *m, int start, int nchars, char *out)
{
    int n = 0;
    for (int i = 0; i < nchars && has(m, start + 6 * i, 6); i++) {
        char c = SIXBIT[getu(m, start + 6 * i, 6)];
        if (c == '@')
            break;
        out[n++] = c;
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    int lead = 0;
    while (lead < n && out[lead] == ' ')
        lead++;
    if (lead) {
        memmove(out, out + lead, (size_t)(n - lead));
        n -= lead;
    }
    return n;
}

/* pyais rounding of coordinates: round(v / 600000, 6) == floor((10v + 3) / 6) / 1e6 */
static inline double floordiv6(int64_t num)
{
    int64_t q = num / 6;
    if (num % 6 != 0 && num < 0)
        q--;
    return (double)q / 1e6;
}
static inline double latlon_1_10000_min(int64_t raw) { return floordiv6(10 * raw + 3); }
static inline double latlon_1_10_min(int64_t raw) { return floordiv6(10000 * raw + 3); }

/* De-armour n payload characters (already validated) into d->bits. */
static int unpack_payload(Decoder *d, const char *p, size_t n, int fill, Bits *m)
{
    /* 3 bytes per started group of 4 characters, then 16 zero bytes of slack */
    size_t need = 3 * ((n + 3) / 4) + 16;
    if (need > d->bits_cap) {
        size_t cap = d->bits_cap ? d->bits_cap : 256;
        while (cap < need)
            cap *= 2;
        uint8_t *b = (uint8_t *)realloc(d->bits, cap);
        if (!b)
            return -1;
        d->bits = b;
        d->bits_cap = cap;
    }
    uint8_t *o = d->bits;
    size_t i = 0;
    const unsigned char *u = (const unsigned char *)p;
    for (; i + 4 <= n; i += 4) {
        unsigned v = ((unsigned)ARMOUR[u[i]] << 18) | ((unsigned)ARMOUR[u[i + 1]] << 12) |
                     ((unsigned)ARMOUR[u[i + 2]] << 6) | (unsigned)ARMOUR[u[i + 3]];
        *o++ = (uint8_t)(v >> 16);
        *o++ = (uint8_t)(v >> 8);
        *o++ = (uint8_t)v;
    }
    if (i < n) {
        unsigned v = 0;
        int k = 0;
        for (; i < n; i++, k++)
            v |= (unsigned)ARMOUR[u[i]] << (18 - 6 * k);
        *o++ = (uint8_t)(v >> 16);
        *o++ = (uint8_t)(v >> 8);
        *o++ = (uint8_t)v;
    }
    memset(o, 0, 16);
    long nbits = (long)n * 6 - fill;
    m->b = d->bits;
    m->nbits = nbits < 0 ? 0 : (nbits > INT32_MAX / 2 ? INT32_MAX / 2 : (int)nbits);
    return 0;
}

/* 0 if every character is in the 6-bit armour alphabet */
static inline int armour_ok(const char *p, size_t n)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++)
        bad |= ARMOUR[(unsigned char)p[i]];
    return bad >= 0;
}

/* ------------------------------------------------------------------------ */
/* Rows                                                                      */
/* ------------------------------------------------------------------------ */

typedef struct {
    int64_t line, line_last;
    int has_ts;
    int64_t ts;
    const char *station;
    size_t station_len;
    int has_station;
    const char *channel;
    size_t channel_len;
    unsigned msg_type, repeat;
    int32_t mmsi;
} Prov;

/* Reserve one row in a table; -1 on memory exhaustion (d->oom set). */
static inline long table_row(Decoder *d, Table *t)
{
    if (t->n == t->cap && table_grow(t, t->n + 1) < 0) {
        d->oom = 1;
        return -1;
    }
    return (long)t->n;
}

static int write_prov(Decoder *d, Table *t, size_t r, const Prov *p)
{
    Col *c = t->cols;
    put_i32(&c[PV_SOURCE], r, d->source_id);
    put_i64(&c[PV_LINE], r, p->line);
    put_i64(&c[PV_LINE_LAST], r, p->line_last);
    if (p->has_ts)
        put_i64(&c[PV_TS], r, p->ts);
    else {
        put_null(&c[PV_TS], r);
        d->st.untimed++;
    }
    if (p->has_station && p->station_len) {
        if (put_str(&c[PV_STATION], r, p->station, p->station_len) < 0)
            return -1;
    } else
        put_str_null(&c[PV_STATION], r);
    if (p->channel_len) {
        if (put_str(&c[PV_CHANNEL], r, p->channel, p->channel_len) < 0)
            return -1;
    } else
        put_str_null(&c[PV_CHANNEL], r);
    put_u8(&c[PV_TYPE], r, p->msg_type);
    put_u8(&c[PV_REPEAT], r, p->repeat);
    put_i32(&c[PV_MMSI], r, p->mmsi);
    d->st.by_type[p->msg_type & 63]++;
    return 0;
}

/* A position row: values plus a bit mask of the columns that are not null. */
typedef struct {
    uint32_t has;
    double lat, lon;
    float sog, cog, turn;
    int heading, alt;
    unsigned nav, sec, man, epfd;
    int32_t radio;
    int64_t rutc;
    int acc, raim, cs, display, dsc, band, msg22, assigned, gnss;
} PosRow;

#define HAS(bit) (1u << (bit))

static int write_pos(Decoder *d, const Prov *p, const PosRow *v)
{
    Table *t = &d->tab[T_POS];
    long rr = table_row(d, t);
    if (rr < 0)
        return -1;
    size_t r = (size_t)rr;
    if (write_prov(d, t, r, p) < 0)
        goto oom;
    Col *c = t->cols + N_PROV;
    uint32_t h = v->has;
#define W_F64(i, x) if (h & HAS(i)) put_f64(&c[i], r, x); else put_null(&c[i], r)
#define W_F32(i, x) if (h & HAS(i)) put_f32(&c[i], r, x); else put_null(&c[i], r)
#define W_I16(i, x) if (h & HAS(i)) put_i16(&c[i], r, x); else put_null(&c[i], r)
#define W_I32(i, x) if (h & HAS(i)) put_i32(&c[i], r, x); else put_null(&c[i], r)
#define W_I64(i, x) if (h & HAS(i)) put_i64(&c[i], r, x); else put_null(&c[i], r)
#define W_U8(i, x) if (h & HAS(i)) put_u8(&c[i], r, x); else put_null(&c[i], r)
#define W_BOOL(i, x) if (h & HAS(i)) put_bool(&c[i], r, x); else put_null(&c[i], r)
    W_F64(P_LAT, v->lat);
    W_F64(P_LON, v->lon);
    W_F32(P_SOG, v->sog);
    W_F32(P_COG, v->cog);
    W_I16(P_HEADING, v->heading);
    W_U8(P_NAV, v->nav);
    W_F32(P_TURN, v->turn);
    W_BOOL(P_ACC, v->acc);
    W_U8(P_SEC, v->sec);
    W_U8(P_MAN, v->man);
    W_BOOL(P_RAIM, v->raim);
    W_I32(P_RADIO, v->radio);
    W_U8(P_EPFD, v->epfd);
    W_I64(P_RUTC, v->rutc);
    W_I16(P_ALT, v->alt);
    W_BOOL(P_CS, v->cs);
    W_BOOL(P_DISPLAY, v->display);
    W_BOOL(P_DSC, v->dsc);
    W_BOOL(P_BAND, v->band);
    W_BOOL(P_MSG22, v->msg22);
    W_BOOL(P_ASSIGNED, v->assigned);
    W_BOOL(P_GNSS, v->gnss);
    t->n++;
    return 0;
oom:
    d->oom = 1;
    return -1;
}

typedef struct {
    uint32_t has;
    unsigned part, version, ship_type, epfd, eta_month, eta_day, eta_hour, eta_minute, model,
        aid_type;
    int32_t imo, serial, mother;
    int bow, stern, port, stbd;
    float draught;
    int dte, offpos, virt;
    char callsign[8], name[40], dest[24], vendor[4];
    int callsign_len, name_len, dest_len, vendor_len;
} StatRow;

static int write_stat(Decoder *d, const Prov *p, const StatRow *v)
{
    Table *t = &d->tab[T_STAT];
    long rr = table_row(d, t);
    if (rr < 0)
        return -1;
    size_t r = (size_t)rr;
    if (write_prov(d, t, r, p) < 0)
        goto oom;
    Col *c = t->cols + N_PROV;
    uint32_t h = v->has;
#define W_STR(i, s, n)                                                                            \
    if ((h & HAS(i)) && (n) > 0) {                                                              \
        if (put_str(&c[i], r, s, (size_t)(n)) < 0)                                              \
            goto oom;                                                                           \
    } else                                                                                      \
        put_str_null(&c[i], r)
    W_U8(S_PART, v->part);
    W_U8(S_VERSION, v->version);
    W_I32(S_IMO, v->imo);
    W_STR(S_CALLSIGN, v->callsign, v->callsign_len);
    W_STR(S_NAME, v->name, v->name_len);
    W_U8(S_SHIPTYPE, v->ship_type);
    W_I16(S_BOW, v->bow);
    W_I16(S_STERN, v->stern);
    W_I16(S_PORT, v->port);
    W_I16(S_STBD, v->stbd);
    W_U8(S_EPFD, v->epfd);
    W_U8(S_ETA_MONTH, v->eta_month);
    W_U8(S_ETA_DAY, v->eta_day);
    W_U8(S_ETA_HOUR, v->eta_hour);
    W_U8(S_ETA_MINUTE, v->eta_minute);
    W_F32(S_DRAUGHT, v->draught);
    W_STR(S_DEST, v->dest, v->dest_len);
    W_BOOL(S_DTE, v->dte);
    W_STR(S_VENDOR, v->vendor, v->vendor_len);
    W_U8(S_MODEL, v->model);
    W_I32(S_SERIAL, v->serial);
    W_I32(S_MOTHER, v->mother);
    W_U8(S_AID_TYPE, v->aid_type);
    W_BOOL(S_OFFPOS, v->offpos);
    W_BOOL(S_VIRTUAL, v->virt);
    t->n++;
    return 0;
oom:
    d->oom = 1;
    return -1;
}

static int write_other(Decoder *d, const Prov *p, const char *payload, size_t len, int fill)
{
    Table *t = &d->tab[T_OTHER];
    long rr = table_row(d, t);
    if (rr < 0)
        return -1;
    size_t r = (size_t)rr;
    if (write_prov(d, t, r, p) < 0 || put_str(&t->cols[N_PROV], r, payload, len) < 0) {
        d->oom = 1;
        return -1;
    }
    put_u8(&t->cols[N_PROV + 1], r, (unsigned)fill);
    t->n++;
    return 0;
}

static void write_reject(Decoder *d, int64_t line, int cause, const char *raw, size_t rawlen)
{
    Table *t = &d->tab[T_REJ];
    d->st.lines_rejected++;
    d->st.causes[cause]++;
    long rr = table_row(d, t);
    if (rr < 0)
        return;
    size_t r = (size_t)rr;
    const char *name = CAUSE_NAMES[cause];
    if (rawlen > MAX_REJECT_RAW)
        rawlen = MAX_REJECT_RAW;
    put_i32(&t->cols[0], r, d->source_id);
    put_i64(&t->cols[1], r, line);
    if (put_str(&t->cols[2], r, name, strlen(name)) < 0 ||
        put_str(&t->cols[3], r, raw, rawlen) < 0) {
        d->oom = 1;
        return;
    }
    t->n++;
}

/* ------------------------------------------------------------------------ */
/* Message decoding (ITU-R M.1371-5 Annex 8)                                 */
/* ------------------------------------------------------------------------ */

#define LAT_NA_1_10000 (91 * 600000)  /* 0x3412140 */
#define LON_NA_1_10000 (181 * 600000) /* 0x6791AC0 */
#define LAT_NA_1_10 (91 * 600)
#define LON_NA_1_10 (181 * 600)

/* longitude (28 bits) then latitude (27 bits), 1/10000 minute */
static void pos_lonlat(const Bits *m, int at, PosRow *v)
{
    if (has(m, at, 28)) {
        int64_t lon = gets(m, at, 28);
        if (lon != LON_NA_1_10000) {
            v->lon = latlon_1_10000_min(lon);
            v->has |= HAS(P_LON);
        }
    }
    if (has(m, at + 28, 27)) {
        int64_t lat = gets(m, at + 28, 27);
        if (lat != LAT_NA_1_10000) {
            v->lat = latlon_1_10000_min(lat);
            v->has |= HAS(P_LAT);
        }
    }
}

/* SOG in 1/10 knot (10 bits, 1023 = n/a) */
static void pos_sog10(const Bits *m, int at, PosRow *v)
{
    if (has(m, at, 10)) {
        unsigned s = (unsigned)getu(m, at, 10);
        if (s != 1023) {
            v->sog = (float)(s / 10.0);
            v->has |= HAS(P_SOG);
        }
    }
}

/* COG in 1/10 degree (12 bits, 3600 = n/a) */
static void pos_cog10(const Bits *m, int at, PosRow *v)
{
    if (has(m, at, 12)) {
        unsigned c = (unsigned)getu(m, at, 12);
        if (c != 3600) {
            v->cog = (float)(c / 10.0);
            v->has |= HAS(P_COG);
        }
    }
}

static void pos_heading(const Bits *m, int at, PosRow *v)
{
    if (has(m, at, 9)) {
        int hd = (int)getu(m, at, 9);
        if (hd != 511) {
            v->heading = hd;
            v->has |= HAS(P_HEADING);
        }
    }
}

#define OPT_U(field, bit, at, width)                                                            \
    if (has(m, at, width)) {                                                                    \
        v.field = (unsigned)getu(m, at, width);                                                 \
        v.has |= HAS(bit);                                                                      \
    }
#define OPT_I(field, bit, at, width)                                                            \
    if (has(m, at, width)) {                                                                    \
        v.field = (int)getu(m, at, width);                                                      \
        v.has |= HAS(bit);                                                                      \
    }
#define OPT_B(field, bit, at)                                                                   \
    if (has(m, at, 1)) {                                                                        \
        v.field = (int)getu(m, at, 1);                                                          \
        v.has |= HAS(bit);                                                                      \
    }

/* Types 1, 2, 3: position report, class A (Table 47); 168 bits */
static int dec_123(Decoder *d, const Prov *p, const Bits *m)
{
    PosRow v;
    if (m->nbits < 149) /* through RAIM; the communication state may be cut */
        return C_TOO_SHORT;
    memset(&v, 0, sizeof(v));
    v.nav = (unsigned)getu(m, 38, 4);
    int rot = (int)gets(m, 42, 8);
    v.has = HAS(P_NAV) | HAS(P_ACC) | HAS(P_SEC) | HAS(P_MAN) | HAS(P_RAIM);
    if (rot != -128) { /* -128: no turn information */
        v.turn = TURN[rot + 128];
        v.has |= HAS(P_TURN);
    }
    pos_sog10(m, 50, &v);
    v.acc = (int)getu(m, 60, 1);
    pos_lonlat(m, 61, &v);
    pos_cog10(m, 116, &v);
    pos_heading(m, 128, &v);
    v.sec = (unsigned)getu(m, 137, 6);
    v.man = (unsigned)getu(m, 143, 2);
    v.raim = (int)getu(m, 148, 1);
    if (has(m, 149, 19)) {
        v.radio = (int32_t)getu(m, 149, 19);
        v.has |= HAS(P_RADIO);
    }
    return write_pos(d, p, &v);
}

/* Types 4 and 11: base station report / UTC response (Table 49); 168 bits */
static int dec_4_11(Decoder *d, const Prov *p, const Bits *m)
{
    PosRow v;
    if (m->nbits < 149)
        return C_TOO_SHORT;
    memset(&v, 0, sizeof(v));
    int64_t y = (int64_t)getu(m, 38, 14), mo = (int64_t)getu(m, 52, 4),
            dd = (int64_t)getu(m, 56, 5), h = (int64_t)getu(m, 61, 5),
            mi = (int64_t)getu(m, 66, 6), s = (int64_t)getu(m, 72, 6);
    v.has = HAS(P_ACC) | HAS(P_EPFD) | HAS(P_RAIM);
    /* 0 / 0 / 0 / 24 / 60 / 60 are "not available"; leap second 60 not a valid time */
    if (s < 60 && civil_ms(y, mo, dd, h, mi, s, 0, &v.rutc) == 0)
        v.has |= HAS(P_RUTC);
    v.acc = (int)getu(m, 78, 1);
    pos_lonlat(m, 79, &v);
    v.epfd = (unsigned)getu(m, 134, 4);
    v.raim = (int)getu(m, 148, 1);
    if (has(m, 149, 19)) {
        v.radio = (int32_t)getu(m, 149, 19);
        v.has |= HAS(P_RADIO);
    }
    return write_pos(d, p, &v);
}

/* Type 5: static and voyage related data (Table 52); 424 bits, often 420 or 422 */
static int dec_5(Decoder *d, const Prov *p, const Bits *m)
{
    StatRow v;
    if (m->nbits < 302) /* through draught; the destination may be cut short */
        return C_TOO_SHORT;
    memset(&v, 0, sizeof(v));
    v.version = (unsigned)getu(m, 38, 2);
    v.imo = (int32_t)getu(m, 40, 30);
    v.has = HAS(S_VERSION) | HAS(S_CALLSIGN) | HAS(S_NAME) | HAS(S_SHIPTYPE) | HAS(S_BOW) |
            HAS(S_STERN) | HAS(S_PORT) | HAS(S_STBD) | HAS(S_EPFD) | HAS(S_DEST);
    if (v.imo)
        v.has |= HAS(S_IMO);
    v.callsign_len = get_text(m, 70, 7, v.callsign);
    v.name_len = get_text(m, 112, 20, v.name);
    v.ship_type = (unsigned)getu(m, 232, 8);
    v.bow = (int)getu(m, 240, 9);
    v.stern = (int)getu(m, 249, 9);
    v.port = (int)getu(m, 258, 6);
    v.stbd = (int)getu(m, 264, 6);
    v.epfd = (unsigned)getu(m, 270, 4);
    v.eta_month = (unsigned)getu(m, 274, 4);
    v.eta_day = (unsigned)getu(m, 278, 5);
    v.eta_hour = (unsigned)getu(m, 283, 5);
    v.eta_minute = (unsigned)getu(m, 288, 6);
    if (v.eta_month)
        v.has |= HAS(S_ETA_MONTH);
    if (v.eta_day)
        v.has |= HAS(S_ETA_DAY);
    if (v.eta_hour != 24)
        v.has |= HAS(S_ETA_HOUR);
    if (v.eta_minute != 60)
        v.has |= HAS(S_ETA_MINUTE);
    unsigned dr = (unsigned)getu(m, 294, 8);
    if (dr) {
        v.draught = (float)(dr / 10.0);
        v.has |= HAS(S_DRAUGHT);
    }
    v.dest_len = get_text(m, 302, 20, v.dest);
    OPT_B(dte, S_DTE, 422);
    return write_stat(d, p, &v);
}

/* Type 9: standard SAR aircraft position report (Table 61); 168 bits */
static int dec_9(Decoder *d, const Prov *p, const Bits *m)
{
    PosRow v;
    if (m->nbits < 148) /* through RAIM */
        return C_TOO_SHORT;
    memset(&v, 0, sizeof(v));
    int alt = (int)getu(m, 38, 12);
    v.has = HAS(P_ACC) | HAS(P_SEC) | HAS(P_ASSIGNED) | HAS(P_RAIM);
    if (alt != 4095) {
        v.alt = alt;
        v.has |= HAS(P_ALT);
    }
    unsigned sog = (unsigned)getu(m, 50, 10); /* whole knots for aircraft */
    if (sog != 1023) {
        v.sog = (float)sog;
        v.has |= HAS(P_SOG);
    }
    v.acc = (int)getu(m, 60, 1);
    pos_lonlat(m, 61, &v);
    pos_cog10(m, 116, &v);
    v.sec = (unsigned)getu(m, 128, 6);
    v.assigned = (int)getu(m, 146, 1);
    v.raim = (int)getu(m, 147, 1);
    if (has(m, 148, 20)) {
        v.radio = (int32_t)getu(m, 148, 20);
        v.has |= HAS(P_RADIO);
    }
    return write_pos(d, p, &v);
}

/* Type 18: standard class B position report (Table 70); 168 bits */
static int dec_18(Decoder *d, const Prov *p, const Bits *m)
{
    PosRow v;
    if (m->nbits < 148) /* through RAIM */
        return C_TOO_SHORT;
    memset(&v, 0, sizeof(v));
    v.has = HAS(P_ACC) | HAS(P_SEC) | HAS(P_CS) | HAS(P_DISPLAY) | HAS(P_DSC) | HAS(P_BAND) |
            HAS(P_MSG22) | HAS(P_ASSIGNED) | HAS(P_RAIM);
    pos_sog10(m, 46, &v);
    v.acc = (int)getu(m, 56, 1);
    pos_lonlat(m, 57, &v);
    pos_cog10(m, 112, &v);
    pos_heading(m, 124, &v);
    v.sec = (unsigned)getu(m, 133, 6);
    v.cs = (int)getu(m, 141, 1);
    v.display = (int)getu(m, 142, 1);
    v.dsc = (int)getu(m, 143, 1);
    v.band = (int)getu(m, 144, 1);
    v.msg22 = (int)getu(m, 145, 1);
    v.assigned = (int)getu(m, 146, 1);
    v.raim = (int)getu(m, 147, 1);
    if (has(m, 148, 20)) {
        v.radio = (int32_t)getu(m, 148, 20);
        v.has |= HAS(P_RADIO);
    }
    return write_pos(d, p, &v);
}

/* Type 19: extended class B position report (Table 71); 312 bits -> both tables */
static int dec_19(Decoder *d, const Prov *p, const Bits *m)
{
    PosRow v;
    StatRow s;
    if (m->nbits < 308) /* through the assigned-mode flag */
        return C_TOO_SHORT;
    memset(&v, 0, sizeof(v));
    memset(&s, 0, sizeof(s));
    v.has = HAS(P_ACC) | HAS(P_SEC) | HAS(P_EPFD) | HAS(P_RAIM) | HAS(P_ASSIGNED);
    pos_sog10(m, 46, &v);
    v.acc = (int)getu(m, 56, 1);
    pos_lonlat(m, 57, &v);
    pos_cog10(m, 112, &v);
    pos_heading(m, 124, &v);
    v.sec = (unsigned)getu(m, 133, 6);
    v.epfd = s.epfd = (unsigned)getu(m, 301, 4);
    v.raim = (int)getu(m, 305, 1);
    v.assigned = (int)getu(m, 307, 1);
    s.has = HAS(S_NAME) | HAS(S_SHIPTYPE) | HAS(S_BOW) | HAS(S_STERN) | HAS(S_PORT) |
            HAS(S_STBD) | HAS(S_EPFD) | HAS(S_DTE);
    s.name_len = get_text(m, 143, 20, s.name);
    s.ship_type = (unsigned)getu(m, 263, 8);
    s.bow = (int)getu(m, 271, 9);
    s.stern = (int)getu(m, 280, 9);
    s.port = (int)getu(m, 289, 6);
    s.stbd = (int)getu(m, 295, 6);
    s.dte = (int)getu(m, 306, 1);
    if (write_pos(d, p, &v) < 0)
        return -1;
    return write_stat(d, p, &s);
}

/* Type 21: aid-to-navigation report (Table 74); 272..360 bits -> both tables */
static int dec_21(Decoder *d, const Prov *p, const Bits *m)
{
    PosRow v;
    StatRow s;
    if (m->nbits < 271) /* through the assigned-mode flag; name extension optional */
        return C_TOO_SHORT;
    memset(&v, 0, sizeof(v));
    memset(&s, 0, sizeof(s));
    v.has = HAS(P_ACC) | HAS(P_EPFD) | HAS(P_SEC) | HAS(P_RAIM) | HAS(P_ASSIGNED);
    v.acc = (int)getu(m, 163, 1);
    pos_lonlat(m, 164, &v);
    v.epfd = s.epfd = (unsigned)getu(m, 249, 4);
    v.sec = (unsigned)getu(m, 253, 6);
    v.raim = (int)getu(m, 268, 1);
    v.assigned = (int)getu(m, 270, 1);
    s.has = HAS(S_NAME) | HAS(S_BOW) | HAS(S_STERN) | HAS(S_PORT) | HAS(S_STBD) | HAS(S_EPFD) |
            HAS(S_AID_TYPE) | HAS(S_OFFPOS) | HAS(S_VIRTUAL);
    s.aid_type = (unsigned)getu(m, 38, 5);
    /* name (20 characters) continued by the name extension (up to 14) from bit 272 */
    {
        char raw[34];
        int n = 0;
        for (int i = 0; i < 20; i++)
            raw[n++] = SIXBIT[getu(m, 43 + 6 * i, 6)];
        for (int i = 0; i < 14 && has(m, 272 + 6 * i, 6); i++)
            raw[n++] = SIXBIT[getu(m, 272 + 6 * i, 6)];
        int k = 0;
        while (k < n && raw[k] != '@')
            k++;
        while (k > 0 && raw[k - 1] == ' ')
            k--;
        int lead = 0;
        while (lead < k && raw[lead] == ' ')
            lead++;
        s.name_len = k - lead;
        memcpy(s.name, raw + lead, (size_t)s.name_len);
    }
    s.bow = (int)getu(m, 219, 9);
    s.stern = (int)getu(m, 228, 9);
    s.port = (int)getu(m, 237, 6);
    s.stbd = (int)getu(m, 243, 6);
    s.offpos = (int)getu(m, 259, 1);
    s.virt = (int)getu(m, 269, 1);
    if (write_pos(d, p, &v) < 0)
        return -1;
    return write_stat(d, p, &s);
}

/* Type 24: static data report, part A (Table 76) or part B (Table 77) */
static int dec_24(Decoder *d, const Prov *p, const Bits *m, int *as_other)
{
    StatRow v;
    if (m->nbits < 40)
        return C_TOO_SHORT;
    memset(&v, 0, sizeof(v));
    v.part = (unsigned)getu(m, 38, 2);
    if (v.part > 1) { /* part numbers 2 and 3 are not defined: keep the message whole */
        *as_other = 1;
        return 0;
    }
    v.has = HAS(S_PART);
    if (v.part == 0) { /* part A: the name, 160 bits (168 from some transmitters) */
        v.has |= HAS(S_NAME);
        v.name_len = get_text(m, 40, 20, v.name);
        return write_stat(d, p, &v);
    }
    if (m->nbits < 162) /* part B: through the dimensions / mothership MMSI */
        return C_TOO_SHORT;
    v.has |= HAS(S_SHIPTYPE) | HAS(S_VENDOR) | HAS(S_MODEL) | HAS(S_SERIAL) | HAS(S_CALLSIGN);
    v.ship_type = (unsigned)getu(m, 40, 8);
    v.vendor_len = get_text(m, 48, 3, v.vendor);
    v.model = (unsigned)getu(m, 66, 4);
    v.serial = (int32_t)getu(m, 70, 20);
    v.callsign_len = get_text(m, 90, 7, v.callsign);
    if (p->mmsi >= 980000000 && p->mmsi <= 989999999) { /* auxiliary craft: 98MIDxxxx */
        v.mother = (int32_t)getu(m, 132, 30);
        v.has |= HAS(S_MOTHER);
    } else {
        v.bow = (int)getu(m, 132, 9);
        v.stern = (int)getu(m, 141, 9);
        v.port = (int)getu(m, 150, 6);
        v.stbd = (int)getu(m, 156, 6);
        v.has |= HAS(S_BOW) | HAS(S_STERN) | HAS(S_PORT) | HAS(S_STBD);
    }
    return write_stat(d, p, &v);
}

/* Type 27: long-range broadcast (Table 81); 96 bits, positions in 1/10 minute */
static int dec_27(Decoder *d, const Prov *p, const Bits *m)
{
    PosRow v;
    if (m->nbits < 95) /* through the GNSS status */
        return C_TOO_SHORT;
    memset(&v, 0, sizeof(v));
    v.has = HAS(P_ACC) | HAS(P_RAIM) | HAS(P_NAV) | HAS(P_GNSS);
    v.acc = (int)getu(m, 38, 1);
    v.raim = (int)getu(m, 39, 1);
    v.nav = (unsigned)getu(m, 40, 4);
    int64_t lon = gets(m, 44, 18), lat = gets(m, 62, 17);
    if (lon != LON_NA_1_10) {
        v.lon = latlon_1_10_min(lon);
        v.has |= HAS(P_LON);
    }
    if (lat != LAT_NA_1_10) {
        v.lat = latlon_1_10_min(lat);
        v.has |= HAS(P_LAT);
    }
    unsigned sog = (unsigned)getu(m, 79, 6), cog = (unsigned)getu(m, 85, 9);
    if (sog != 63) {
        v.sog = (float)sog;
        v.has |= HAS(P_SOG);
    }
    if (cog != 511) {
        v.cog = (float)cog;
        v.has |= HAS(P_COG);
    }
    v.gnss = (int)getu(m, 94, 1);
    return write_pos(d, p, &v);
}

/*
 * Decode one whole message (armoured payload, validated).  Returns 0 when its
 * rows were written, a reject cause (1 .. N_CAUSES - 1) otherwise, -1 when out
 * of memory.  prov: everything but type / repeat / mmsi.
 */
static int decode_message(Decoder *d, Prov *p, const char *payload, size_t len, int fill)
{
    Bits m;
    if (unpack_payload(d, payload, len, fill, &m) < 0) {
        d->oom = 1;
        return -1;
    }
    if (m.nbits < 38) /* not even type, repeat indicator and MMSI */
        return C_TOO_SHORT;
    p->msg_type = (unsigned)getu(&m, 0, 6);
    p->repeat = (unsigned)getu(&m, 6, 2);
    p->mmsi = (int32_t)getu(&m, 8, 30);
    int r, as_other = 0;
    switch (p->msg_type) {
    case 1:
    case 2:
    case 3:
        r = dec_123(d, p, &m);
        break;
    case 4:
    case 11:
        r = dec_4_11(d, p, &m);
        break;
    case 5:
        r = dec_5(d, p, &m);
        break;
    case 9:
        r = dec_9(d, p, &m);
        break;
    case 18:
        r = dec_18(d, p, &m);
        break;
    case 19:
        r = dec_19(d, p, &m);
        break;
    case 21:
        r = dec_21(d, p, &m);
        break;
    case 24:
        r = dec_24(d, p, &m, &as_other);
        break;
    case 27:
        r = dec_27(d, p, &m);
        break;
    default:
        as_other = 1;
        r = 0;
    }
    if (as_other)
        r = write_other(d, p, payload, len, fill);
    return r;
}

/* ------------------------------------------------------------------------ */
/* Line ledger and multipart reassembly                                      */
/* ------------------------------------------------------------------------ */

static int ledger_new(Decoder *d, int64_t line, const char *raw, size_t rawlen)
{
    int i;
    if (d->free_ledger >= 0) {
        i = d->free_ledger;
        d->free_ledger = d->ledger[i].next_free;
    } else {
        if (d->nledger == d->capledger) {
            int cap = d->capledger ? d->capledger * 2 : 64;
            Ledger *l = (Ledger *)realloc(d->ledger, (size_t)cap * sizeof(Ledger));
            if (!l)
                return -1;
            d->ledger = l;
            d->capledger = cap;
        }
        i = d->nledger++;
    }
    Ledger *l = &d->ledger[i];
    if (rawlen > MAX_REJECT_RAW)
        rawlen = MAX_REJECT_RAW;
    l->raw = (char *)malloc(rawlen ? rawlen : 1);
    if (!l->raw) {
        l->next_free = d->free_ledger;
        d->free_ledger = i;
        return -1;
    }
    memcpy(l->raw, raw, rawlen);
    l->rawlen = rawlen;
    l->line = line;
    l->outstanding = 0;
    l->cause = C_NONE;
    l->in_progress = 1;
    l->next_free = -1;
    return i;
}

static void ledger_finalize(Decoder *d, int i)
{
    Ledger *l = &d->ledger[i];
    if (l->cause != C_NONE)
        write_reject(d, l->line, l->cause, l->raw, l->rawlen);
    else
        d->st.lines_decoded++;
    free(l->raw);
    l->raw = NULL;
    l->next_free = d->free_ledger;
    d->free_ledger = i;
}

/* One fragment of a line's pending message is resolved (C_NONE: decoded). */
static void ledger_release(Decoder *d, int i, int cause)
{
    Ledger *l = &d->ledger[i];
    if (cause != C_NONE && l->cause == C_NONE)
        l->cause = cause;
    if (--l->outstanding == 0 && !l->in_progress)
        ledger_finalize(d, i);
}

static void pending_free_frags(Pending *pm)
{
    for (int i = 0; i < pm->have; i++) {
        free(pm->frag[i].buf);
        pm->frag[i].buf = NULL;
    }
}

/* Remove pending message k and release its lines with cause (C_NONE: decoded). */
static void pending_resolve(Decoder *d, int k, int cause)
{
    Pending *pm = d->pend[k];
    for (int i = 0; i < pm->have; i++)
        ledger_release(d, pm->frag[i].ledger, cause);
    pending_free_frags(pm);
    free(pm);
    memmove(d->pend + k, d->pend + k + 1, (size_t)(d->npend - k - 1) * sizeof(Pending *));
    d->npend--;
}

/* Give up pending messages whose first part is more than window lines old. */
static void expire_pending(Decoder *d, int64_t line)
{
    while (d->npend > 0 && line - d->pend[0]->first_line > d->window)
        pending_resolve(d, 0, C_INCOMPLETE);
}

/* ------------------------------------------------------------------------ */
/* Sentences                                                                 */
/* ------------------------------------------------------------------------ */

typedef struct {
    int has_ts;
    int64_t ts;
    int has_station;
    const char *station;
    size_t station_len;
    int has_group;
    int64_t g_num, g_tot;
    uint64_t g_id;
} Tag;

/* Per-line state while its sentences are processed. */
typedef struct {
    int64_t line;
    const char *raw;
    size_t rawlen;
    int has_ts; /* leading time column */
    int64_t ts;
    int pend_has_ts; /* time / station of the preceding timestamp line */
    int64_t pend_ts;
    int pend_has_station;
    const char *pend_station;
    size_t pend_station_len;
    int ledger; /* -1 until a fragment of this line must wait */
    int cause;  /* first reject cause on this line, C_NONE */
} LineCtx;

/*
 * Tag block "\k:v,k:v*hh\" at s (s[0] == '\\').  NMEA 4.10: the checksum is the
 * XOR of the characters between '\' and '*'.  "*00" is accepted unverified:
 * some providers (Spire samples) write it as a placeholder.
 */
static int parse_tag(const char *s, const char *e, Tag *t, const char **after)
{
    const char *close = (const char *)memchr(s + 1, '\\', (size_t)(e - s - 1));
    if (!close)
        return C_BAD_TAG;
    const char *star = NULL;
    for (const char *q = close - 1; q > s; q--)
        if (*q == '*') {
            star = q;
            break;
        }
    if (!star || close - star != 3)
        return C_BAD_TAG;
    int h1 = hexval(star[1]), h2 = hexval(star[2]);
    if (h1 < 0 || h2 < 0)
        return C_BAD_TAG;
    unsigned want = (unsigned)(h1 * 16 + h2);
    if (want != 0 && want != xor_bytes(s + 1, star))
        return C_BAD_TAG;
    memset(t, 0, sizeof(*t));
    const char *f = s + 1;
    while (f < star) {
        const char *fe = (const char *)memchr(f, ',', (size_t)(star - f));
        if (!fe)
            fe = star;
        if (fe - f >= 2 && f[1] == ':') {
            const char *v = f + 2;
            switch (f[0]) {
            case 'c': /* receiver time, unix seconds or milliseconds */
                if (parse_unix(v, fe, 1, &t->ts) < 0)
                    return C_BAD_TAG;
                t->has_ts = 1;
                break;
            case 's': /* source station */
                t->has_station = 1;
                t->station = v;
                t->station_len = (size_t)(fe - v);
                break;
            case 'g': { /* group: sentence-number - total - group id */
                const char *d1 = (const char *)memchr(v, '-', (size_t)(fe - v));
                const char *d2 = d1 ? (const char *)memchr(d1 + 1, '-', (size_t)(fe - d1 - 1)) : NULL;
                int64_t gid;
                if (!d2 || parse_uint(v, d1, 9, &t->g_num) || parse_uint(d1 + 1, d2, 9, &t->g_tot) ||
                    parse_uint(d2 + 1, fe, 18, &gid))
                    return C_BAD_TAG;
                t->g_id = (uint64_t)gid;
                t->has_group = t->g_num >= 1 && t->g_num <= t->g_tot;
                break;
            }
            default:
                break;
            }
        }
        f = fe + 1;
    }
    *after = close + 1;
    return 0;
}

/*
 * "!xxVDM" / "!xxVDO" with an AIS talker (REJECT_CAUSES["unknown_talker"]): the
 * IEC 61162 AIS talkers, plus those real national feeds use for their own base
 * stations and repeaters: "BY", "SS", "--" (Danish Maritime Authority) and
 * "B0".."B9" (Norwegian Coastal Administration).
 */
static int ais_talker(const char *a)
{
    static const char *const T[] = {"AI", "AB", "AD", "AN", "AR", "AS", "AT", "AX",
                                    "BS", "SA", "BY", "SS", "--"};
    for (size_t i = 0; i < sizeof(T) / sizeof(T[0]); i++)
        if (a[0] == T[i][0] && a[1] == T[i][1])
            return 1;
    return a[0] == 'B' && is_digit(a[1]);
}

/* s[0] == '!': 1 if the address is xxVDM / xxVDO (any talker, "--" included) */
static int is_vdm_address(const char *s, const char *e)
{
    return e - s >= 6 && (is_upper_or_digit(s[1]) || s[1] == '-') &&
           (is_upper_or_digit(s[2]) || s[2] == '-') && s[3] == 'V' &&
           s[4] == 'D' && (s[5] == 'M' || s[5] == 'O') && (e - s == 6 || !is_upper_or_digit(s[6]));
}

/*
 * USCG / NAIS trailing fields after the checksum, e.g.
 *   ,d-109,S2105,t050056.00,T56.1,r003669946,1325394060,1325394001
 *   ,r003669987,1152921693    ,b003669794,1272412827    ,1541030311,1541030400
 * Station: the first field r.../b... (letters and digits); time: the first
 * unix-time field after it, else the first unix-time field at all.
 */
static void parse_trailing(const char *p, const char *e, Tag *t)
{
    int got_station = 0, got_any = 0, got_after = 0;
    int64_t any = 0, after = 0;
    const char *station = NULL;
    size_t station_len = 0;
    while (p < e) {
        const char *fe = (const char *)memchr(p, ',', (size_t)(e - p));
        if (!fe)
            fe = e;
        if (!got_station && fe - p >= 2 && (p[0] == 'r' || p[0] == 'b')) {
            int ok = 1;
            for (const char *q = p + 1; q < fe; q++)
                ok &= is_alnum(*q);
            if (ok) {
                got_station = 1;
                station = p;
                station_len = (size_t)(fe - p);
            }
        } else if (fe > p && is_digit(*p)) {
            int64_t ms;
            if (parse_unix(p, fe, 9, &ms) == 0) {
                if (!got_any) {
                    got_any = 1;
                    any = ms;
                }
                if (got_station && !got_after) {
                    got_after = 1;
                    after = ms;
                }
            }
        }
        p = fe + 1;
    }
    if (!t->has_ts && (got_after || got_any)) {
        t->has_ts = 1;
        t->ts = got_after ? after : any;
    }
    if (!t->has_station && got_station) {
        t->has_station = 1;
        t->station = station;
        t->station_len = station_len;
    }
}

/* Store a fragment of a multipart message; its line waits in the ledger. */
static int store_frag(Decoder *d, LineCtx *lc, Pending *pm, const char *payload, size_t plen,
                      int fill, const Prov *p)
{
    if (lc->ledger < 0) {
        lc->ledger = ledger_new(d, lc->line, lc->raw, lc->rawlen);
        if (lc->ledger < 0)
            return -1;
    }
    Frag *f = &pm->frag[pm->have];
    size_t slen = p->has_station ? p->station_len : 0;
    f->buf = (char *)malloc(plen + slen + p->channel_len + 1);
    if (!f->buf)
        return -1;
    memcpy(f->buf, payload, plen);
    if (slen)
        memcpy(f->buf + plen, p->station, slen);
    if (p->channel_len)
        memcpy(f->buf + plen + slen, p->channel, p->channel_len);
    f->payload_len = plen;
    f->station_len = slen;
    f->has_station = p->has_station;
    f->channel_len = p->channel_len;
    f->fill = fill;
    f->has_ts = p->has_ts;
    f->ts = p->ts;
    f->line = lc->line;
    f->ledger = lc->ledger;
    pm->have++;
    d->ledger[lc->ledger].outstanding++;
    return 0;
}

/* The last fragment arrived: reassemble, decode, release every fragment's line. */
static int complete_pending(Decoder *d, int k, const char *payload, size_t plen, int fill,
                            const Prov *last)
{
    Pending *pm = d->pend[k];
    size_t total = plen;
    for (int i = 0; i < pm->have; i++)
        total += pm->frag[i].payload_len;
    if (total + 1 > d->asm_cap) {
        size_t cap = d->asm_cap ? d->asm_cap : 1024;
        while (cap < total + 1)
            cap *= 2;
        char *b = (char *)realloc(d->asm_buf, cap);
        if (!b) {
            d->oom = 1;
            return -1;
        }
        d->asm_buf = b;
        d->asm_cap = cap;
    }
    size_t at = 0;
    Prov p;
    memset(&p, 0, sizeof(p));
    p.line = pm->frag[0].line;
    p.line_last = last->line;
    for (int i = 0; i < pm->have; i++) {
        Frag *f = &pm->frag[i];
        memcpy(d->asm_buf + at, f->buf, f->payload_len);
        at += f->payload_len;
        if (!p.has_ts && f->has_ts) {
            p.has_ts = 1;
            p.ts = f->ts;
        }
        if (!p.has_station && f->has_station) {
            p.has_station = 1;
            p.station = f->buf + f->payload_len;
            p.station_len = f->station_len;
        }
    }
    memcpy(d->asm_buf + at, payload, plen);
    if (!p.has_ts && last->has_ts) {
        p.has_ts = 1;
        p.ts = last->ts;
    }
    if (!p.has_station && last->has_station) {
        p.has_station = 1;
        p.station = last->station;
        p.station_len = last->station_len;
    }
    p.channel = pm->frag[0].buf + pm->frag[0].payload_len + pm->frag[0].station_len;
    p.channel_len = pm->frag[0].channel_len;
    int r = decode_message(d, &p, d->asm_buf, total, fill);
    pending_resolve(d, k, r > 0 ? r : C_NONE);
    return r;
}

/*
 * One AIS sentence at s ("!xxVDM," checked by the caller), up to e.  Returns 0
 * (decoded or waiting for its other parts), a reject cause, or -1 (no memory).
 * *after: first character after the checksum (and the trailing fields).
 */
static int do_sentence(Decoder *d, LineCtx *lc, Tag *tag, const char *s, const char *e,
                       const char **after)
{
    *after = e;
    if (!ais_talker(s + 1))
        return C_UNKNOWN_TALKER;
    if (e - s < 7 || s[6] != ',')
        return C_TRUNCATED;
    const char *star = (const char *)memchr(s + 7, '*', (size_t)(e - s - 7));
    if (!star || e - star < 3)
        return C_TRUNCATED;
    int h1 = hexval(star[1]), h2 = hexval(star[2]);
    if (h1 < 0 || h2 < 0 || (unsigned)(h1 * 16 + h2) != xor_bytes(s + 1, star))
        return C_CHECKSUM;
    *after = star + 3;
    if (star + 3 < e && star[3] == ',') {
        parse_trailing(star + 4, e, tag);
        *after = e;
    }

    /* fields: count, number, sequential id, channel, payload, [extra...], fill bits */
    const char *f[6], *fe[6];
    const char *q = s + 7;
    int nf = 0;
    while (nf < 5) {
        const char *c = (const char *)memchr(q, ',', (size_t)(star - q));
        if (!c)
            return C_TRUNCATED;
        f[nf] = q;
        fe[nf] = c;
        nf++;
        q = c + 1;
    }
    /* fill bits: the last field before '*' (extra fields before it are ignored, as
     * pyais does for "...,payload,0,0*1C" from some plotters) */
    const char *lastc = star;
    while (lastc > q && lastc[-1] != ',')
        lastc--;
    f[5] = lastc;
    fe[5] = star;
    int64_t count, num, seq = -1, fill = 0;
    if (parse_uint(f[0], fe[0], 2, &count) || count < 1 || count > MAX_FRAGMENTS ||
        parse_uint(f[1], fe[1], 2, &num) || num < 1 || num > count)
        return C_MALFORMED;
    if (fe[2] > f[2] && parse_uint(f[2], fe[2], 9, &seq))
        return C_MALFORMED;
    if (fe[3] - f[3] > MAX_CHANNEL)
        return C_MALFORMED;
    if (fe[5] > f[5] && (parse_uint(f[5], fe[5], 1, &fill) || fill > 5))
        return C_MALFORMED;
    const char *payload = f[4];
    size_t plen = (size_t)(fe[4] - f[4]);
    if (!armour_ok(payload, plen))
        return C_BAD_PAYLOAD;

    Prov p;
    memset(&p, 0, sizeof(p));
    p.line = p.line_last = lc->line;
    if (tag->has_ts) {
        p.has_ts = 1;
        p.ts = tag->ts;
    } else if (lc->has_ts) {
        p.has_ts = 1;
        p.ts = lc->ts;
    } else if (lc->pend_has_ts) {
        p.has_ts = 1;
        p.ts = lc->pend_ts;
    }
    if (tag->has_station) {
        p.has_station = 1;
        p.station = tag->station;
        p.station_len = tag->station_len;
    } else if (lc->pend_has_station) {
        p.has_station = 1;
        p.station = lc->pend_station;
        p.station_len = lc->pend_station_len;
    }
    p.channel = f[3];
    p.channel_len = (size_t)(fe[3] - f[3]);
    /* the preceding timestamp line applies to this sentence only */
    lc->pend_has_ts = lc->pend_has_station = 0;

    if (count == 1)
        return decode_message(d, &p, payload, plen, (int)fill);

    /* multipart: key = tag-block group, else channel + sequential id (+ count) */
    int by_group = tag->has_group;
    int k;
    for (k = 0; k < d->npend; k++) {
        Pending *pm = d->pend[k];
        if (pm->by_group != by_group || pm->count != count)
            continue;
        if (by_group ? pm->group == tag->g_id
                     : (pm->seq == seq && (size_t)pm->chan_len == p.channel_len &&
                        memcmp(pm->chan, p.channel, p.channel_len) == 0))
            break;
    }
    if (num == 1) {
        if (k < d->npend) /* a new first part: the older message will never complete */
            pending_resolve(d, k, C_INCOMPLETE);
        if (d->npend == d->cappend) {
            int cap = d->cappend ? d->cappend * 2 : 16;
            Pending **np = (Pending **)realloc(d->pend, (size_t)cap * sizeof(Pending *));
            if (!np)
                goto oom;
            d->pend = np;
            d->cappend = cap;
        }
        Pending *pm = (Pending *)calloc(1, sizeof(Pending));
        if (!pm)
            goto oom;
        pm->by_group = by_group;
        pm->group = tag->g_id;
        pm->seq = seq;
        pm->chan_len = (int)p.channel_len;
        memcpy(pm->chan, p.channel, p.channel_len);
        pm->count = (int)count;
        pm->first_line = lc->line;
        if (store_frag(d, lc, pm, payload, plen, (int)fill, &p) < 0) {
            free(pm);
            goto oom;
        }
        d->pend[d->npend++] = pm;
        return 0;
    }
    if (k == d->npend || d->pend[k]->have + 1 != num)
        return C_ORPHAN; /* no first part, or a part out of order */
    if (num < count)
        return store_frag(d, lc, d->pend[k], payload, plen, (int)fill, &p) < 0 ? -1 : 0;
    return complete_pending(d, k, payload, plen, (int)fill, &p);
oom:
    d->oom = 1;
    return -1;
}

/* $PGHP,1,YYYY,M,D,h,m,s,ms,...*hh (Gatehouse): time of the next sentence */
static void do_pghp(Decoder *d, const char *s, const char *e)
{
    const char *star = (const char *)memchr(s, '*', (size_t)(e - s));
    if (!star || e - star < 3)
        return;
    int h1 = hexval(star[1]), h2 = hexval(star[2]);
    if (h1 < 0 || h2 < 0 || (unsigned)(h1 * 16 + h2) != xor_bytes(s + 1, star))
        return;
    int64_t v[7];
    const char *q = s + 8; /* after "$PGHP,1," */
    for (int i = 0; i < 7; i++) {
        const char *c = (const char *)memchr(q, ',', (size_t)(star - q));
        if (!c)
            c = star;
        if (parse_uint(q, c, 4, &v[i]) < 0)
            return;
        if (c == star && i < 6)
            return;
        q = c + 1;
    }
    int64_t ms;
    if (civil_ms(v[0], v[1], v[2], v[3], v[4], v[5], v[6], &ms) < 0)
        return;
    d->pend_has_ts = 1;
    d->pend_ts = ms;
}

static int set_pending_station(Decoder *d, const char *s, size_t n)
{
    if (n > d->pend_station_cap) {
        char *b = (char *)realloc(d->pend_station, n);
        if (!b)
            return -1;
        d->pend_station = b;
        d->pend_station_cap = n;
    }
    if (n)
        memcpy(d->pend_station, s, n);
    d->pend_station_len = n;
    d->pend_has_station = 1;
    return 0;
}

static inline void ignore_line(Decoder *d, int rule) { d->st.ignored[rule]++; }

/* Next sentence on the line after a complete one: a '!' or a well-formed tag block. */
static const char *next_sentence(const char *p, const char *e, Tag *tag)
{
    for (; p < e; p++) {
        if (*p == '!' && is_vdm_address(p, e)) {
            memset(tag, 0, sizeof(*tag));
            return p;
        }
        if (*p == '\\') {
            const char *a;
            if (parse_tag(p, e, tag, &a) == 0 && a < e && *a == '!' && is_vdm_address(a, e))
                return a;
        }
    }
    return NULL;
}

static void process_line(Decoder *d, const char *s, size_t len, int64_t line)
{
    const char *e;
    d->st.lines_read++;
    expire_pending(d, line);
    if (len && s[len - 1] == '\r')
        len--;
    if (len > d->max_line) {
        write_reject(d, line, C_OVERSIZE, s, len);
        return;
    }
    e = s + len;
    const char *p = s;
    while (p < e && *p == ' ')
        p++;
    if (p == e) {
        ignore_line(d, I_BLANK);
        return;
    }
    if (*p == '#') { /* whatever it holds (comments may have tabs) */
        ignore_line(d, I_COMMENT);
        return;
    }
    {
        int bad = 0;
        const unsigned char *u = (const unsigned char *)s;
        for (size_t i = 0; i < len; i++)
            bad |= (unsigned char)(u[i] - 0x20) > 0x5E;
        if (bad) {
            write_reject(d, line, C_NON_ASCII, s, len);
            return;
        }
    }

    LineCtx lc;
    memset(&lc, 0, sizeof(lc));
    lc.line = line;
    lc.raw = s;
    lc.rawlen = len;
    lc.ledger = -1;
    lc.cause = C_NONE;

    /* a leading time column: "1609459200 !AIVDM", "2021-01-01T00:00:00Z,\..." */
    if (is_digit(*p) || *p == ',') {
        const char *q = p + (*p == ',');
        Py_ssize_t n = parse_iso(q, e, &lc.ts);
        if (!n) {
            const char *te = q;
            while (te < e && (is_digit(*te) || *te == '.'))
                te++;
            if (parse_unix(q, te, 9, &lc.ts) == 0)
                n = te - q;
        }
        const char *r = q + n;
        if (!n || (r < e && *r != ' ' && *r != ',' && *r != ';')) {
            write_reject(d, line, C_NOT_NMEA, s, len);
            return;
        }
        while (r < e && (*r == ' ' || *r == ',' || *r == ';'))
            r++;
        if (r == e) { /* the line is only a time: it is the time of the next sentence */
            d->pend_has_ts = 1;
            d->pend_ts = lc.ts;
            ignore_line(d, I_TIMESTAMP);
            return;
        }
        if (*p == ',') { /* ",1541030400" is a time line, not a column */
            write_reject(d, line, C_NOT_NMEA, s, len);
            return;
        }
        lc.has_ts = 1;
        p = r;
    }

    Tag tag;
    memset(&tag, 0, sizeof(tag));
    if (*p == '\\') {
        int r = parse_tag(p, e, &tag, &p);
        if (r) {
            write_reject(d, line, r, s, len);
            return;
        }
        if (p == e) { /* a bare tag block carries the time of the next sentence */
            if (tag.has_ts) {
                d->pend_has_ts = 1;
                d->pend_ts = tag.ts;
            }
            if (tag.has_station && set_pending_station(d, tag.station, tag.station_len) < 0)
                d->oom = 1;
            ignore_line(d, I_TIMESTAMP);
            return;
        }
    }
    if (*p == '$' || (*p == '!' && !is_vdm_address(p, e))) {
        const char *a = p + 1;
        while (a < e && is_upper_or_digit(*a))
            a++;
        if (a - p < 3 || a - p > 9 || a == e || *a != ',') {
            write_reject(d, line, C_NOT_NMEA, s, len);
            return;
        }
        if (a - p == 5 && memcmp(p, "$PGHP", 5) == 0 && e - a >= 3 && a[1] == '1' && a[2] == ',') {
            do_pghp(d, p, e);
            ignore_line(d, I_TIMESTAMP);
            return;
        }
        ignore_line(d, I_NON_AIS);
        return;
    }
    if (*p != '!') {
        write_reject(d, line, C_NOT_NMEA, s, len);
        return;
    }

    /* the time of a preceding timestamp line goes to this line's first sentence */
    lc.pend_has_ts = d->pend_has_ts;
    lc.pend_ts = d->pend_ts;
    lc.pend_has_station = d->pend_has_station;
    lc.pend_station = d->pend_station;
    lc.pend_station_len = d->pend_station_len;
    d->pend_has_ts = d->pend_has_station = 0;

    for (;;) {
        const char *after;
        int r = do_sentence(d, &lc, &tag, p, e, &after);
        if (r < 0 || d->oom)
            return;
        if (r > 0 && lc.cause == C_NONE)
            lc.cause = r;
        if (r == C_TRUNCATED || r == C_CHECKSUM)
            break;
        p = next_sentence(after, e, &tag);
        if (!p)
            break;
    }
    if (lc.ledger >= 0) {
        Ledger *l = &d->ledger[lc.ledger];
        l->in_progress = 0;
        if (lc.cause != C_NONE && l->cause == C_NONE)
            l->cause = lc.cause;
        if (l->outstanding == 0)
            ledger_finalize(d, lc.ledger);
    } else if (lc.cause != C_NONE) {
        write_reject(d, line, lc.cause, s, len);
    } else {
        d->st.lines_decoded++;
    }
}

/* ------------------------------------------------------------------------ */
/* Python glue                                                               */
/* ------------------------------------------------------------------------ */

static PyObject *bytes_or_none(const void *p, size_t n, int want)
{
    if (!want)
        Py_RETURN_NONE;
    return PyBytes_FromStringAndSize((const char *)p, (Py_ssize_t)n);
}

static PyObject *export_table(Table *t)
{
    size_t n = t->n;
    PyObject *cols = PyList_New(t->ncols);
    if (!cols)
        return NULL;
    for (int i = 0; i < t->ncols; i++) {
        Col *c = &t->cols[i];
        PyObject *item;
        PyObject *valid = bytes_or_none(c->valid, (n + 7) / 8, c->nulls > 0);
        if (!valid)
            goto fail;
        if (c->kind == K_STR) {
            PyObject *offs = PyBytes_FromStringAndSize((const char *)c->offs,
                                                       (Py_ssize_t)((n + 1) * sizeof(int32_t)));
            PyObject *data = PyBytes_FromStringAndSize(c->data ? (const char *)c->data : "",
                                                       (Py_ssize_t)c->dlen);
            if (!offs || !data) {
                Py_XDECREF(offs);
                Py_XDECREF(data);
                Py_DECREF(valid);
                goto fail;
            }
            item = Py_BuildValue("(nNNN)", c->nulls, valid, offs, data);
        } else {
            size_t bytes = c->kind == K_BOOL ? (n + 7) / 8 : n * KIND_WIDTH[c->kind];
            PyObject *data = PyBytes_FromStringAndSize((const char *)c->data, (Py_ssize_t)bytes);
            if (!data) {
                Py_DECREF(valid);
                goto fail;
            }
            item = Py_BuildValue("(nNN)", c->nulls, valid, data);
        }
        if (!item)
            goto fail;
        PyList_SET_ITEM(cols, i, item);
    }
    return Py_BuildValue("(nN)", (Py_ssize_t)n, cols);
fail:
    Py_DECREF(cols);
    return NULL;
}

static int dict_set_i64(PyObject *dict, PyObject *key, int64_t v)
{
    PyObject *o = PyLong_FromLongLong(v);
    if (!o)
        return -1;
    int r = PyDict_SetItem(dict, key, o);
    Py_DECREF(o);
    return r;
}

static int dict_set_str_i64(PyObject *dict, const char *key, int64_t v)
{
    PyObject *k = PyUnicode_FromString(key);
    if (!k)
        return -1;
    int r = dict_set_i64(dict, k, v);
    Py_DECREF(k);
    return r;
}

static PyObject *export_stats(Stats *st)
{
    PyObject *out = PyDict_New(), *ign = PyDict_New(), *causes = PyDict_New(), *types = PyDict_New();
    if (!out || !ign || !causes || !types)
        goto fail;
    if (dict_set_str_i64(out, "lines_read", st->lines_read) ||
        dict_set_str_i64(out, "lines_decoded", st->lines_decoded) ||
        dict_set_str_i64(out, "lines_rejected", st->lines_rejected) ||
        dict_set_str_i64(out, "untimed_rows", st->untimed))
        goto fail;
    for (int i = 0; i < N_IGNORES; i++)
        if (st->ignored[i] && dict_set_str_i64(ign, IGNORE_NAMES[i], st->ignored[i]))
            goto fail;
    for (int i = 1; i < N_CAUSES; i++)
        if (st->causes[i] && dict_set_str_i64(causes, CAUSE_NAMES[i], st->causes[i]))
            goto fail;
    for (int i = 0; i < 64; i++) {
        if (!st->by_type[i])
            continue;
        PyObject *k = PyLong_FromLong(i);
        if (!k || dict_set_i64(types, k, st->by_type[i])) {
            Py_XDECREF(k);
            goto fail;
        }
        Py_DECREF(k);
    }
    if (PyDict_SetItemString(out, "ignored", ign) || PyDict_SetItemString(out, "rejects_by_cause", causes) ||
        PyDict_SetItemString(out, "rows_by_type", types))
        goto fail;
    Py_DECREF(ign);
    Py_DECREF(causes);
    Py_DECREF(types);
    return out;
fail:
    Py_XDECREF(out);
    Py_XDECREF(ign);
    Py_XDECREF(causes);
    Py_XDECREF(types);
    return NULL;
}

/* The result of one call: the non-empty tables and the stats; resets both. */
static PyObject *export_result(Decoder *d)
{
    PyObject *out = PyDict_New();
    if (!out)
        return NULL;
    for (int i = 0; i < N_TABLES; i++) {
        if (!d->tab[i].n)
            continue;
        PyObject *t = export_table(&d->tab[i]);
        if (!t || PyDict_SetItemString(out, TABLE_NAMES[i], t)) {
            Py_XDECREF(t);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(t);
    }
    PyObject *st = export_stats(&d->st);
    if (!st || PyDict_SetItemString(out, "stats", st)) {
        Py_XDECREF(st);
        Py_DECREF(out);
        return NULL;
    }
    Py_DECREF(st);
    for (int i = 0; i < N_TABLES; i++)
        table_reset(&d->tab[i]);
    memset(&d->st, 0, sizeof(d->st));
    return out;
}

static void decoder_clear_state(Decoder *d)
{
    if (d->pend) {
        for (int i = 0; i < d->npend; i++) {
            pending_free_frags(d->pend[i]);
            free(d->pend[i]);
        }
        free(d->pend);
        d->pend = NULL;
    }
    d->npend = d->cappend = 0;
    if (d->ledger) {
        for (int i = 0; i < d->nledger; i++)
            free(d->ledger[i].raw);
        free(d->ledger);
        d->ledger = NULL;
    }
    d->nledger = d->capledger = 0;
    d->free_ledger = -1;
}

static void Decoder_dealloc(Decoder *d)
{
    decoder_clear_state(d);
    for (int i = 0; i < N_TABLES; i++)
        table_free(&d->tab[i]);
    free(d->pend_station);
    free(d->bits);
    free(d->asm_buf);
    Py_TYPE(d)->tp_free((PyObject *)d);
}

static PyObject *Decoder_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    (void)args;
    (void)kw;
    Decoder *d = (Decoder *)type->tp_alloc(type, 0);
    if (!d)
        return NULL;
    d->free_ledger = -1;
    if (table_init(&d->tab[T_POS], POS_KINDS, N_PROV + N_POS) ||
        table_init(&d->tab[T_STAT], STAT_KINDS, N_PROV + N_STAT) ||
        table_init(&d->tab[T_OTHER], OTHER_KINDS, N_PROV + 2) ||
        table_init(&d->tab[T_REJ], REJ_KINDS, 4)) {
        Py_DECREF(d);
        return PyErr_NoMemory();
    }
    return (PyObject *)d;
}

static int Decoder_init(Decoder *d, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"source_id", "multipart_window", "max_line_bytes", NULL};
    long long source_id, window = 200, max_line = 1024;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "L|$LL:Decoder", kwlist, &source_id, &window,
                                     &max_line))
        return -1;
    if (source_id < INT32_MIN || source_id > INT32_MAX) {
        PyErr_Format(PyExc_ValueError, "source_id must fit in 32 bits, got %lld", source_id);
        return -1;
    }
    if (window < 1) {
        PyErr_Format(PyExc_ValueError, "multipart_window must be >= 1 line, got %lld", window);
        return -1;
    }
    if (max_line < 16 || max_line > (1LL << 24)) {
        PyErr_Format(PyExc_ValueError, "max_line_bytes must be in 16..16777216, got %lld", max_line);
        return -1;
    }
    if (d->busy) {
        PyErr_SetString(PyExc_RuntimeError, "Decoder is in use");
        return -1;
    }
    d->source_id = (int32_t)source_id;
    d->window = window;
    d->max_line = (size_t)max_line;
    decoder_clear_state(d);
    for (int i = 0; i < N_TABLES; i++)
        table_reset(&d->tab[i]);
    memset(&d->st, 0, sizeof(d->st));
    d->pend_has_ts = d->pend_has_station = 0;
    return 0;
}

static PyObject *Decoder_feed(Decoder *d, PyObject *args)
{
    Py_buffer buf;
    long long first_line;
    if (!PyArg_ParseTuple(args, "y*L:feed", &buf, &first_line))
        return NULL;
    if (d->busy) {
        PyBuffer_Release(&buf);
        PyErr_SetString(PyExc_RuntimeError, "Decoder is in use by another thread");
        return NULL;
    }
    d->busy = 1;
    const char *p = (const char *)buf.buf, *end = p + buf.len;
    int64_t line = first_line;
    Py_BEGIN_ALLOW_THREADS
    while (p < end && !d->oom) {
        const char *nl = (const char *)memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        process_line(d, p, (size_t)(le - p), line);
        line++;
        p = nl ? nl + 1 : end;
    }
    Py_END_ALLOW_THREADS
    d->busy = 0;
    PyBuffer_Release(&buf);
    if (d->oom) {
        d->oom = 0;
        return PyErr_NoMemory();
    }
    return export_result(d);
}

static PyObject *Decoder_finish(Decoder *d, PyObject *unused)
{
    (void)unused;
    if (d->busy) {
        PyErr_SetString(PyExc_RuntimeError, "Decoder is in use by another thread");
        return NULL;
    }
    while (d->npend > 0)
        pending_resolve(d, 0, C_INCOMPLETE);
    d->pend_has_ts = d->pend_has_station = 0;
    if (d->oom) {
        d->oom = 0;
        return PyErr_NoMemory();
    }
    return export_result(d);
}

static PyObject *Decoder_pending(Decoder *d, void *closure)
{
    (void)closure;
    return PyLong_FromLong(d->npend);
}

static PyMethodDef Decoder_methods[] = {
    {"feed", (PyCFunction)Decoder_feed, METH_VARARGS,
     "feed(block, first_line) -> dict: decode a block of whole lines"},
    {"finish", (PyCFunction)Decoder_finish, METH_NOARGS,
     "finish() -> dict: give up the incomplete multipart messages still pending"},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Decoder_getset[] = {
    {"pending", (getter)Decoder_pending, NULL, "number of multipart messages waiting for parts", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject DecoderType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "shadowtrace.ingest.ais._nmea.Decoder",
    .tp_basicsize = sizeof(Decoder),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Decoder(source_id, *, multipart_window=200, max_line_bytes=1024)\n\n"
              "Streaming NMEA 0183 AIS decoder into Arrow column buffers.",
    .tp_new = Decoder_new,
    .tp_init = (initproc)Decoder_init,
    .tp_dealloc = (destructor)Decoder_dealloc,
    .tp_methods = Decoder_methods,
    .tp_getset = Decoder_getset,
};

static PyObject *names_tuple(const char *const *names, int n)
{
    PyObject *t = PyTuple_New(n);
    if (!t)
        return NULL;
    for (int i = 0; i < n; i++) {
        PyObject *s = PyUnicode_FromString(names[i]);
        if (!s) {
            Py_DECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, i, s);
    }
    return t;
}

static struct PyModuleDef nmea_module = {
    PyModuleDef_HEAD_INIT, "_nmea", "C core of the NMEA 0183 AIS decoder.", -1, NULL,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__nmea(void)
{
    init_tables();
    if (PyType_Ready(&DecoderType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&nmea_module);
    if (!m)
        return NULL;
    Py_INCREF(&DecoderType);
    if (PyModule_AddObject(m, "Decoder", (PyObject *)&DecoderType) < 0) {
        Py_DECREF(&DecoderType);
        Py_DECREF(m);
        return NULL;
    }
    PyObject *causes = names_tuple(CAUSE_NAMES + 1, N_CAUSES - 1);
    PyObject *rules = names_tuple(IGNORE_NAMES, N_IGNORES);
    if (!causes || PyModule_AddObject(m, "REJECT_CAUSES", causes) < 0 || !rules ||
        PyModule_AddObject(m, "IGNORE_RULES", rules) < 0) {
        Py_XDECREF(causes);
        Py_XDECREF(rules);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
