/*
 * tls_load: an SMTP load generator in C on OpenSSL, for bench/tls.sh.
 *
 * It sends what `smtp-monitor bench` sends, the same way (lock-step: MAIL, RCPT, DATA, the
 * message, "."; each reply read before the next command), with the same options and the
 * same --json report, so that tls.sh can drive a server with either. Why it exists: on a
 * 2-core machine the JDK's TLS client used 2.5 to 3.3 times the server's CPU, so the
 * generator, not the server, set the rates; OpenSSL's client costs far less.
 *
 * A thread a connection, blocking sockets. Steady load: every connection is set up
 * (connect, greeting, EHLO, TLS, EHLO again) before the clock starts, one after another as
 * bench does, and the handshakes are reported apart. With --messages-per-connection M, each
 * thread opens a new session for every M messages while the clock runs, so every session's
 * setup, TLS handshake included, is in the rate. No certificate is checked (as bench
 * --insecure); SNI is "localhost"; TLS 1.2 or later, OpenSSL's defaults otherwise: no
 * session resumption, each handshake a full one, unless --resume, with which each thread
 * offers its last session again (the JDK's client resumes by itself: its context keeps a
 * session cache, and TLS 1.3 servers hand out tickets).
 *
 * Build: cc -O2 -Wall -Wextra bench/tls_load.c -o tls_load -lssl -lcrypto -lpthread
 * Exit status: 0 every message accepted, 1 a failure (a refusal, a lost connection, no
 * connection at all), 2 bad command line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define MAX_RCPTS 100
#define MAX_SIZE (64L * 1024 * 1024)  /* as bench: every connection holds its own copy */
/* A reply line longer than this ends the connection: RFC 5321 4.5.3.1.5 allows 512. */
#define IN_CAP (16 * 1024)
#define PROBLEM_CAP 300
#define LINE_LENGTH 76               /* body lines, as BenchMessage */
#define MESSAGE_ID_DOMAIN "@smtp-monitor.bench>"
#define BENCH_ID "X-Bench-Id: "
#define SNI_NAME "localhost"

enum mode { PLAIN, STARTTLS, IMPLICIT };

struct options {
    const char *host;
    const char *port;
    long port_number;     /* the port as a number, for the report */
    int conns;
    long messages;
    long size;
    long warmup;
    const char *rcpts[MAX_RCPTS];
    int rcpt_count;
    const char *from;
    enum mode mode;
    long per_connection;  /* 0: each connection for its whole share, set up before the clock */
    int json;
    int resume;           /* offer each thread's last session again (TLS resumption) */
    int timeout_seconds;
};

/* What every connection of a run shares, read-only once built. */
struct run {
    const struct options *o;
    long messages;
    int conns;
    char run_id[9];
    char *message;        /* the message and ".\r\n" after it */
    size_t message_length;
    size_t id_offset, message_id_offset;
    int id_width;
    char *mail, *data, *rset, *quit, *ehlo, *rcpt[MAX_RCPTS];
    long next_id;         /* sessions: the next id to take (atomic) */
    long long started;
};

/* One connection (a session): its socket, its TLS, its input. */
struct conn {
    int fd;
    SSL *ssl;
    char in[IN_CAP];
    size_t start, length;
    char problem[PROBLEM_CAP];
    char greeting[120];
    long long handshake_nanos;
    int resumed;              /* the last handshake resumed a session */
    SSL_SESSION *session;     /* --resume: the session to offer next, kept across the thread's sessions */
};

/* Growable array of nanosecond values. */
struct nanos {
    long long *values;
    size_t count, capacity;
};

/* One thread's work and what came of it. */
struct worker {
    struct run *run;
    int number;
    struct conn *conn;        /* steady: set up before the clock */
    char *message;            /* its own copy, patched in place */
    long first_id, count;     /* steady: its share */
    long ok, errors;
    struct nanos latencies, handshakes;
    long resumed;
    long long finished;
    char problem[PROBLEM_CAP * 3];
    int troubled;
    char greeting[120];
    char protocol[32], cipher[96];
    int set_up;               /* sessions: one session got as far as its EHLO */
};

static SSL_CTX *tls_context;
static struct addrinfo *server_addresses;
static pthread_barrier_t start_line;

static long long now_nanos(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long) t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void *checked_malloc(size_t n) {
    void *p = malloc(n);
    if (p == NULL) {
        fprintf(stderr, "tls_load: out of memory (%zu bytes)\n", n);
        exit(1);
    }
    return p;
}

__attribute__((format(printf, 1, 2)))
static char *format_string(const char *format, ...) {
    va_list args;
    va_start(args, format);
    char *text = NULL;
    int n = vasprintf(&text, format, args);
    va_end(args);
    if (n < 0) {
        fprintf(stderr, "tls_load: out of memory\n");
        exit(1);
    }
    return text;
}

static void nanos_add(struct nanos *a, long long value) {
    if (a->count == a->capacity) {
        size_t capacity = a->capacity ? a->capacity * 2 : 256;
        long long *values = realloc(a->values, capacity * sizeof *values);
        if (values == NULL) {
            fprintf(stderr, "tls_load: out of memory\n");
            exit(1);
        }
        a->values = values;
        a->capacity = capacity;
    }
    a->values[a->count++] = value;
}

/* Sets the connection's problem, if none was set yet: the first cause is the one told. */
__attribute__((format(printf, 2, 3)))
static void fail(struct conn *c, const char *format, ...) {
    if (c->problem[0] != '\0') {
        return;
    }
    va_list args;
    va_start(args, format);
    vsnprintf(c->problem, sizeof c->problem, format, args);
    va_end(args);
}

/* Copies a reply line for a message, non-printable bytes as '?', cut to fit. */
static void printable(char *to, size_t capacity, const char *from, size_t length) {
    size_t n = length < capacity - 1 ? length : capacity - 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char) from[i];
        to[i] = b >= 0x20 && b < 0x7f ? (char) b : '?';
    }
    to[n] = '\0';
}

static const char *tls_error(void) {
    static __thread char text[160];
    unsigned long e = ERR_get_error();
    if (e == 0) {
        snprintf(text, sizeof text, "%s", errno ? strerror(errno) : "closed");
    } else {
        ERR_error_string_n(e, text, sizeof text);
    }
    ERR_clear_error();
    return text;
}

/* Writes all of buf; 0, or -1 with the problem set. */
static int conn_write(struct conn *c, const char *buf, size_t length) {
    while (length > 0) {
        if (c->ssl != NULL) {
            int chunk = length > INT_MAX ? INT_MAX : (int) length;
            errno = 0;
            int n = SSL_write(c->ssl, buf, chunk);
            if (n <= 0) {
                int e = SSL_get_error(c->ssl, n);
                if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
                    fail(c, "no progress writing to the server in time");
                } else {
                    fail(c, "connection lost: %s", tls_error());
                }
                return -1;
            }
            buf += n;
            length -= (size_t) n;
        } else {
            ssize_t n = send(c->fd, buf, length, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                if (errno == EAGAIN || errno == EWOULDBLOCK) {
                    fail(c, "no progress writing to the server in time");
                } else {
                    fail(c, "connection lost: %s", strerror(errno));
                }
                return -1;
            }
            buf += n;
            length -= (size_t) n;
        }
    }
    return 0;
}

/* Reads what comes, up to capacity; the count, or -1 with the problem set (a timeout is one). */
static ssize_t conn_read(struct conn *c, char *buf, size_t capacity) {
    for (;;) {
        if (c->ssl != NULL) {
            int chunk = capacity > INT_MAX ? INT_MAX : (int) capacity;
            errno = 0;
            int n = SSL_read(c->ssl, buf, chunk);
            if (n > 0) {
                return n;
            }
            int e = SSL_get_error(c->ssl, n);
            if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && errno == 0)) {
                fail(c, "the server closed the connection");
            } else if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
                /* a blocking socket only says "again" when SO_RCVTIMEO ran out */
                fail(c, "no reply from the server in time");
            } else {
                fail(c, "connection lost: %s", tls_error());
            }
            return -1;
        }
        ssize_t n = recv(c->fd, buf, capacity, 0);
        if (n > 0) {
            return n;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n == 0) {
            fail(c, "the server closed the connection");
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            fail(c, "no reply from the server in time");
        } else {
            fail(c, "connection lost: %s", strerror(errno));
        }
        return -1;
    }
}

/* The code of a reply line (RFC 5321 4.2), or -1 when it is not one. */
static int reply_code(const char *line, size_t length) {
    if (length < 3 || line[0] < '2' || line[0] > '5' || line[1] < '0' || line[1] > '5' || line[2] < '0'
            || line[2] > '9' || (length > 3 && line[3] != ' ' && line[3] != '-')) {
        return -1;
    }
    return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

/*
 * Reads one whole reply, multi-line or not: its code, or -1 with the problem set. The last
 * line, for messages, goes to last (of capacity last_capacity) when last is not NULL.
 */
static int read_reply(struct conn *c, char *last, size_t last_capacity) {
    for (;;) {
        char *line = c->in + c->start;
        char *newline = memchr(line, '\n', c->length - c->start);
        if (newline == NULL) {
            if (c->start > 0) {
                memmove(c->in, line, c->length - c->start);
                c->length -= c->start;
                c->start = 0;
            }
            if (c->length == IN_CAP) {
                fail(c, "malformed reply from the server: a line longer than %d bytes", IN_CAP);
                return -1;
            }
            ssize_t n = conn_read(c, c->in + c->length, IN_CAP - c->length);
            if (n < 0) {
                return -1;
            }
            c->length += (size_t) n;
            continue;
        }
        size_t length = (size_t) (newline - line);
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        c->start = (size_t) (newline - c->in) + 1;
        int code = reply_code(line, length);
        if (code < 0) {
            char shown[81];
            printable(shown, sizeof shown, line, length);
            fail(c, "malformed reply from the server: '%s'", shown);
            return -1;
        }
        if (length == 3 || line[3] == ' ') {
            if (last != NULL) {
                printable(last, last_capacity, line, length);
            }
            return code;
        }
    }
}

/* Sends a command and reads its reply: the code, or -1 with the problem set. */
static int command(struct conn *c, const char *text, char *last, size_t last_capacity) {
    if (conn_write(c, text, strlen(text)) < 0) {
        return -1;
    }
    return read_reply(c, last, last_capacity);
}

static void conn_close(struct conn *c) {
    if (c->ssl != NULL) {
        SSL_shutdown(c->ssl);  /* our close_notify, as the JDK's closeOutbound; the server's is not awaited */
        SSL_free(c->ssl);
        c->ssl = NULL;
        ERR_clear_error();
    }
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
    }
}

static int handshake(struct conn *c) {
    c->ssl = SSL_new(tls_context);
    if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1 || SSL_set_tlsext_host_name(c->ssl, SNI_NAME) != 1
            || (c->session != NULL && SSL_set_session(c->ssl, c->session) != 1)) {
        fail(c, "cannot set up TLS: %s", tls_error());
        return -1;
    }
    long long started = now_nanos();
    errno = 0;
    int r = SSL_connect(c->ssl);
    if (r != 1) {
        int e = SSL_get_error(c->ssl, r);
        fail(c, "the TLS handshake failed: %s", e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE
                ? "no answer in time" : tls_error());
        return -1;
    }
    c->handshake_nanos = now_nanos() - started;
    c->resumed = SSL_session_reused(c->ssl);
    return 0;
}

static int connect_to_server(struct conn *c, int timeout_seconds) {
    const char *why = "no address";
    for (struct addrinfo *a = server_addresses; a != NULL; a = a->ai_next) {
        int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            why = strerror(errno);
            continue;
        }
        int one = 1;
        struct timeval timeout = { .tv_sec = timeout_seconds, .tv_usec = 0 };
        /* The send timeout bounds connect() too (Linux). */
        if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0
                || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) < 0
                || setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout) < 0) {
            why = strerror(errno);
            close(fd);
            continue;
        }
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
            c->fd = fd;
            return 0;
        }
        why = strerror(errno);
        close(fd);
    }
    fail(c, "cannot connect: %s", why);
    return -1;
}

/*
 * Opens a session up to its first MAIL: connect, greeting, EHLO, and TLS as asked (implicit
 * before the greeting; STARTTLS then EHLO again). 0, or -1 with the problem set and nothing
 * left open.
 */
static int session_open(const struct run *run, struct conn *c) {
    c->fd = -1;
    c->ssl = NULL;
    c->start = c->length = 0;
    c->problem[0] = '\0';
    c->handshake_nanos = 0;
    char reply[120];
    if (connect_to_server(c, run->o->timeout_seconds) < 0) {
        return -1;
    }
    if (run->o->mode == IMPLICIT && handshake(c) < 0) {
        conn_close(c);
        return -1;
    }
    int code = read_reply(c, c->greeting, sizeof c->greeting);
    if (code != 220) {
        if (code >= 0) {
            fail(c, "greeting refused: %s", c->greeting);
        }
        conn_close(c);
        return -1;
    }
    code = command(c, run->ehlo, reply, sizeof reply);
    if (code != 250) {
        if (code >= 0) {
            fail(c, "the server refused EHLO: %s", reply);
        }
        conn_close(c);
        return -1;
    }
    if (run->o->mode == STARTTLS) {
        code = command(c, "STARTTLS\r\n", reply, sizeof reply);
        if (code != 220) {
            if (code >= 0) {
                fail(c, "STARTTLS refused: %s", reply);
            }
            conn_close(c);
            return -1;
        }
        c->start = c->length = 0;  /* nothing said in the clear counts after STARTTLS (RFC 3207 4.2) */
        if (handshake(c) < 0) {
            conn_close(c);
            return -1;
        }
        code = command(c, run->ehlo, reply, sizeof reply);
        if (code != 250) {
            if (code >= 0) {
                fail(c, "the server refused EHLO after STARTTLS: %s", reply);
            }
            conn_close(c);
            return -1;
        }
    }
    return 0;
}

/* Writes id into the message's Message-ID and X-Bench-Id, zero-padded, in place. */
static void set_id(const struct run *run, char *message, long id) {
    for (int i = run->id_width - 1; i >= 0; i--) {
        char digit = (char) ('0' + id % 10);
        message[run->id_offset + (size_t) i] = digit;
        message[run->message_id_offset + (size_t) i] = digit;
        id /= 10;
    }
}

enum outcome { ACCEPTED, REFUSED, ENDED };

/* After a refusal: RSET, whose reply ends the transaction whatever it is (as bench). */
static enum outcome reset(const struct run *run, struct conn *c) {
    int code = command(c, run->rset, NULL, 0);
    if (code < 0) {
        return ENDED;
    }
    if (code == 421) {
        fail(c, "the server ended the session");
        return ENDED;
    }
    return REFUSED;
}

/*
 * One transaction, lock-step; a refusal (noted in refusal if it is the first) is RSET and
 * the connection goes on; a 421 or a lost connection ends it.
 */
static enum outcome transaction(struct worker *w, struct conn *c, long id, char *refusal, size_t refusal_capacity) {
    const struct run *run = w->run;
    char reply[160];
    long long started = now_nanos();
    const char *step = "MAIL FROM";
    int code = command(c, run->mail, reply, sizeof reply);
    int ok = code >= 200 && code < 300;
    for (int i = 0; ok && i < run->o->rcpt_count; i++) {
        step = "RCPT TO";
        code = command(c, run->rcpt[i], reply, sizeof reply);
        ok = code >= 200 && code < 300;
    }
    if (ok) {
        step = "DATA";
        code = command(c, run->data, reply, sizeof reply);
        ok = code == 354;
    }
    if (ok) {
        step = "end of data";
        set_id(run, w->message, id);
        if (conn_write(c, w->message, run->message_length) < 0) {
            return ENDED;
        }
        code = read_reply(c, reply, sizeof reply);
        ok = code >= 200 && code < 300;
    }
    if (code < 0) {
        return ENDED;
    }
    if (code == 421) {
        fail(c, "the server ended the session: %s", reply);
        return ENDED;
    }
    if (ok) {
        nanos_add(&w->latencies, now_nanos() - started);
        return ACCEPTED;
    }
    if (refusal[0] == '\0') {
        snprintf(refusal, refusal_capacity, "first refusal: %s: %s", step, reply);
    }
    /* A refused end of data has ended the transaction already. */
    return strcmp(step, "end of data") == 0 ? REFUSED : reset(run, c);
}

/* Notes a connection's trouble: the first is kept, the others counted. */
__attribute__((format(printf, 2, 3)))
static void worker_trouble(struct worker *w, const char *format, ...) {
    if (w->problem[0] == '\0') {
        va_list args;
        va_start(args, format);
        vsnprintf(w->problem, sizeof w->problem, format, args);
        va_end(args);
    }
    w->troubled++;
}

/* Sends count messages from first_id on an open session; then QUIT and close. */
static void send_messages(struct worker *w, struct conn *c, long first_id, long count, const char *what) {
    char refusal[PROBLEM_CAP] = "";
    long done = 0;
    int ended = 0;
    while (done < count) {
        enum outcome outcome = transaction(w, c, first_id + done, refusal, sizeof refusal);
        if (outcome == ENDED) {
            ended = 1;  /* the message under way is one of those not sent */
            break;
        }
        done++;
        if (outcome == ACCEPTED) {
            w->ok++;
        } else {
            w->errors++;
        }
    }
    long long finished = now_nanos();
    if (finished > w->finished) {
        w->finished = finished;
    }
    if (ended) {
        long left = count - done;
        w->errors += left;
        worker_trouble(w, "%s: %s; %ld of its %ld messages not sent%s%s%s", what, c->problem, left, count,
                       refusal[0] ? " (" : "", refusal, refusal[0] ? ")" : "");
    } else {
        if (refusal[0] != '\0') {
            worker_trouble(w, "%s: %s", what, refusal);
        }
        /* its reply or not: the messages are done */
        if (command(c, w->run->quit, NULL, 0) >= 0 && w->run->o->resume && c->ssl != NULL) {
            /* By now a TLS 1.3 server's tickets have come in. */
            SSL_SESSION *session = SSL_get1_session(c->ssl);
            if (session != NULL && SSL_SESSION_is_resumable(session)) {
                SSL_SESSION_free(c->session);
                c->session = session;
            } else {
                SSL_SESSION_free(session);
            }
        }
    }
    conn_close(c);
}

static void *steady_thread(void *arg) {
    struct worker *w = arg;
    int r = pthread_barrier_wait(&start_line);
    if (r != 0 && r != PTHREAD_BARRIER_SERIAL_THREAD) {
        fprintf(stderr, "tls_load: pthread_barrier_wait: %s\n", strerror(r));
        exit(1);
    }
    char what[40];
    snprintf(what, sizeof what, "connection %d", w->number);
    send_messages(w, w->conn, w->first_id, w->count, what);
    return NULL;
}

/* Sessions: session after session, each of per_connection messages, until none are left or one cannot be set up. */
static void *sessions_thread(void *arg) {
    struct worker *w = arg;
    struct run *run = w->run;
    long per = run->o->per_connection;
    for (;;) {
        long first = __atomic_fetch_add(&run->next_id, per, __ATOMIC_RELAXED);
        if (first > run->messages) {
            return NULL;
        }
        long count = run->messages - first + 1 < per ? run->messages - first + 1 : per;
        char what[80];
        snprintf(what, sizeof what, "the session of messages %ld to %ld", first, first + count - 1);
        if (session_open(run, w->conn) < 0) {
            w->errors += count;
            worker_trouble(w, "%s: %s", what, w->conn->problem);
            long long finished = now_nanos();
            if (finished > w->finished) {
                w->finished = finished;
            }
            return NULL;
        }
        if (!w->set_up) {
            w->set_up = 1;
            snprintf(w->greeting, sizeof w->greeting, "%s", w->conn->greeting);
            if (w->conn->ssl != NULL) {
                snprintf(w->protocol, sizeof w->protocol, "%s", SSL_get_version(w->conn->ssl));
                snprintf(w->cipher, sizeof w->cipher, "%s",
                         SSL_CIPHER_standard_name(SSL_get_current_cipher(w->conn->ssl)));
            }
        }
        if (w->conn->ssl != NULL) {
            nanos_add(&w->handshakes, w->conn->handshake_nanos);
            w->resumed += w->conn->resumed;
        }
        send_messages(w, w->conn, first, count, what);
    }
}

/* "bench.example" for "x@bench.example", as bench says EHLO. */
static const char *helo_name(const char *from) {
    const char *at = strrchr(from, '@');
    return at != NULL && at[1] != '\0' ? at + 1 : "localhost";
}

static void random_run_id(char id[9]) {
    unsigned char bytes[8];
    size_t got = 0;
    while (got < sizeof bytes) {
        ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
        if (n < 0 && errno != EINTR) {
            fprintf(stderr, "tls_load: getrandom: %s\n", strerror(errno));
            exit(1);
        }
        got += n > 0 ? (size_t) n : 0;
    }
    for (int i = 0; i < 8; i++) {
        id[i] = "0123456789abcdefghijklmnopqrstuvwxyz"[bytes[i] % 36];
    }
    id[8] = '\0';
}

static int digits(long n) {
    int d = 1;
    while (n >= 10) {
        n /= 10;
        d++;
    }
    return d;
}

/*
 * The message, as BenchMessage builds it: exactly size bytes (From, To, Subject, Date,
 * Message-ID and X-Bench-Id, then lines of 76 characters cycling through the filler, none
 * starting with '.' or "From "), and ".\r\n" after it. 0, or -1 when size cannot hold the
 * headers (the smallest size possible in *minimum).
 */
static int build_message(struct run *run, long *minimum) {
    const struct options *o = run->o;
    static const char filler[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    char date[64];
    time_t t = time(NULL);
    struct tm utc;
    if (gmtime_r(&t, &utc) == NULL || strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &utc) == 0) {
        fprintf(stderr, "tls_load: cannot format the date\n");
        exit(1);
    }
    run->id_width = digits(run->messages > 1 ? run->messages : 1);
    char zeros[24];
    memset(zeros, '0', (size_t) run->id_width);
    zeros[run->id_width] = '\0';
    size_t to_length = 0;
    for (int i = 0; i < o->rcpt_count; i++) {
        to_length += strlen(o->rcpts[i]) + 4;
    }
    char *to = checked_malloc(to_length + 1);
    to[0] = '\0';
    for (int i = 0; i < o->rcpt_count; i++) {
        strcat(to, i == 0 ? "<" : ", <");
        strcat(to, o->rcpts[i]);
        strcat(to, ">");
    }
    char *headers = format_string("From: <%s>\r\nTo: %s\r\n", o->from, to);
    char *id_lines = format_string("Date: %s\r\nMessage-ID: <%s-%s" MESSAGE_ID_DOMAIN "\r\n" BENCH_ID "%s-%s\r\n",
                                   date, run->run_id, zeros, run->run_id, zeros);
    const char *subject = "Subject: smtp-monitor bench";
    *minimum = (long) (strlen(headers) + strlen(subject) + 2 + strlen(id_lines) + 2);
    int result = -1;
    if (o->size >= *minimum) {
        long body = o->size - *minimum;
        /* a body of one byte cannot end with CRLF: the subject takes it */
        char *head = format_string("%s%s%s\r\n%s\r\n", headers, subject, body == 1 ? "." : "", id_lines);
        size_t head_length = strlen(head);
        size_t size = (size_t) o->size;
        run->message_length = size + 3;
        run->message = checked_malloc(run->message_length);
        memcpy(run->message, head, head_length);
        size_t position = head_length;
        size_t line = 0;
        while (position < size) {
            size_t left = size - position;
            size_t length = left == LINE_LENGTH + 2 + 1 ? LINE_LENGTH + 1
                    : left - 2 < LINE_LENGTH ? left - 2 : LINE_LENGTH;
            for (size_t i = 0; i < length; i++) {
                run->message[position + i] = filler[(line + i) % (sizeof filler - 1)];
            }
            position += length;
            run->message[position++] = '\r';
            run->message[position++] = '\n';
            line++;
        }
        memcpy(run->message + size, ".\r\n", 3);
        run->id_offset = head_length - 2 - 2 - (size_t) run->id_width;
        run->message_id_offset = run->id_offset - strlen(BENCH_ID) - strlen(run->run_id) - 1 - 2
                - strlen(MESSAGE_ID_DOMAIN) - (size_t) run->id_width;
        set_id(run, run->message, 1);
        free(head);
        result = 0;
    }
    free(to);
    free(headers);
    free(id_lines);
    return result;
}

/* A run of messages over conns connections, its own run id; -1 when size cannot hold the headers. */
static int run_init(struct run *run, const struct options *o, long messages, int conns, long *minimum) {
    memset(run, 0, sizeof *run);
    run->o = o;
    run->messages = messages;
    run->conns = conns;
    run->next_id = 1;
    random_run_id(run->run_id);
    run->mail = format_string("MAIL FROM:<%s>\r\n", o->from);
    for (int i = 0; i < o->rcpt_count; i++) {
        run->rcpt[i] = format_string("RCPT TO:<%s>\r\n", o->rcpts[i]);
    }
    run->data = format_string("DATA\r\n");
    run->rset = format_string("RSET\r\n");
    run->quit = format_string("QUIT\r\n");
    run->ehlo = format_string("EHLO %s\r\n", helo_name(o->from));
    return build_message(run, minimum);
}

static void run_free(struct run *run) {
    free(run->message);
    free(run->mail);
    free(run->data);
    free(run->rset);
    free(run->quit);
    free(run->ehlo);
    for (int i = 0; i < run->o->rcpt_count; i++) {
        free(run->rcpt[i]);
    }
}

/* What a run gave. */
struct result {
    long ok, errors;
    long long elapsed;
    struct nanos latencies, handshakes;  /* sorted */
    char greeting[120];
    char protocol[32], cipher[96];
    int tls;
    long resumed;                        /* handshakes that resumed a session */
};

static int compare_nanos(const void *a, const void *b) {
    long long x = *(const long long *) a, y = *(const long long *) b;
    return (x > y) - (x < y);
}

/*
 * The p-th percentile (0 < p <= 100) by nearest rank, as LatencyStatistics: the value at
 * rank ceil(p/100 * n), in integers, so always a measured value; 0 when there is none.
 */
static long long percentile(const struct nanos *sorted, int p) {
    if (sorted->count == 0) {
        return 0;
    }
    size_t rank = ((size_t) p * sorted->count + 99) / 100;
    return sorted->values[(rank < 1 ? 1 : rank) - 1];
}

static void start_thread(pthread_t *thread, void *(*body)(void *), struct worker *w) {
    int r = pthread_create(thread, NULL, body, w);
    if (r != 0) {
        fprintf(stderr, "tls_load: cannot start a thread: %s\n", strerror(r));
        exit(1);
    }
}

/*
 * Runs the load and fills result; prints each connection's trouble to stderr (prefix: what,
 * "" or "warm-up: "). -1 when nothing could be run (a connection of the steady load, or
 * every session, could not be set up).
 */
static int run_load(struct run *run, struct result *result, const char *what) {
    const struct options *o = run->o;
    int c = run->conns;
    struct worker *workers = calloc((size_t) c, sizeof *workers);
    pthread_t *threads = calloc((size_t) c, sizeof *threads);
    if (workers == NULL || threads == NULL) {
        fprintf(stderr, "tls_load: out of memory\n");
        exit(1);
    }
    memset(result, 0, sizeof *result);
    int failed = 0;
    long next_id = 1;
    for (int i = 0; i < c; i++) {
        struct worker *w = &workers[i];
        w->run = run;
        w->number = i + 1;
        w->conn = checked_malloc(sizeof *w->conn);
        w->conn->fd = -1;
        w->conn->ssl = NULL;
        w->conn->session = NULL;
        w->message = checked_malloc(run->message_length);
        memcpy(w->message, run->message, run->message_length);
        w->count = run->messages / c + (i < run->messages % c ? 1 : 0);
        w->first_id = next_id;
        next_id += w->count;
    }
    if (o->per_connection == 0) {
        /* One after another, as bench: the handshake times are those of a server not yet loaded. */
        for (int i = 0; i < c && !failed; i++) {
            if (session_open(run, workers[i].conn) < 0) {
                fprintf(stderr, "tls_load: %sconnection %d: %s\n", what, i + 1, workers[i].conn->problem);
                failed = 1;
            } else if (workers[i].conn->ssl != NULL) {
                nanos_add(&result->handshakes, workers[i].conn->handshake_nanos);
            }
        }
        if (failed) {
            for (int i = 0; i < c; i++) {
                conn_close(workers[i].conn);
            }
        } else {
            struct conn *first = workers[0].conn;
            snprintf(result->greeting, sizeof result->greeting, "%s", first->greeting);
            if (first->ssl != NULL) {
                result->tls = 1;
                snprintf(result->protocol, sizeof result->protocol, "%s", SSL_get_version(first->ssl));
                snprintf(result->cipher, sizeof result->cipher, "%s",
                         SSL_CIPHER_standard_name(SSL_get_current_cipher(first->ssl)));
            }
            int r = pthread_barrier_init(&start_line, NULL, (unsigned) c + 1);
            if (r != 0) {
                fprintf(stderr, "tls_load: pthread_barrier_init: %s\n", strerror(r));
                exit(1);
            }
            for (int i = 0; i < c; i++) {
                start_thread(&threads[i], steady_thread, &workers[i]);
            }
            run->started = now_nanos();
            r = pthread_barrier_wait(&start_line);
            if (r != 0 && r != PTHREAD_BARRIER_SERIAL_THREAD) {
                fprintf(stderr, "tls_load: pthread_barrier_wait: %s\n", strerror(r));
                exit(1);
            }
        }
    } else {
        run->started = now_nanos();
        for (int i = 0; i < c; i++) {
            start_thread(&threads[i], sessions_thread, &workers[i]);
        }
    }
    long long finished = run->started;
    if (!failed) {
        for (int i = 0; i < c; i++) {
            int r = pthread_join(threads[i], NULL);
            if (r != 0) {
                fprintf(stderr, "tls_load: pthread_join: %s\n", strerror(r));
                exit(1);
            }
        }
        if (o->per_connection == 0) {
            pthread_barrier_destroy(&start_line);
        }
        for (int i = 0; i < c; i++) {
            struct worker *w = &workers[i];
            result->ok += w->ok;
            result->resumed += w->resumed;
            result->errors += w->errors;
            if (w->finished > finished) {
                finished = w->finished;
            }
            for (size_t k = 0; k < w->latencies.count; k++) {
                nanos_add(&result->latencies, w->latencies.values[k]);
            }
            for (size_t k = 0; k < w->handshakes.count; k++) {
                nanos_add(&result->handshakes, w->handshakes.values[k]);
            }
            if (w->problem[0] != '\0') {
                if (o->per_connection == 0) {
                    fprintf(stderr, "tls_load: %s%s\n", what, w->problem);
                } else if (w->troubled > 1) {
                    fprintf(stderr, "tls_load: %sclient %d: %s (and %d more of its sessions)\n", what, w->number,
                            w->problem, w->troubled - 1);
                } else {
                    fprintf(stderr, "tls_load: %sclient %d: %s\n", what, w->number, w->problem);
                }
            }
            if (o->per_connection != 0 && w->set_up && result->greeting[0] == '\0') {
                snprintf(result->greeting, sizeof result->greeting, "%s", w->greeting);
                if (w->protocol[0] != '\0') {
                    result->tls = 1;
                    snprintf(result->protocol, sizeof result->protocol, "%s", w->protocol);
                    snprintf(result->cipher, sizeof result->cipher, "%s", w->cipher);
                }
            }
        }
        if (o->per_connection != 0) {
            if (result->greeting[0] == '\0') {
                failed = 1;  /* not one session got as far as its EHLO: nothing was run */
            }
            /* Messages no client took, because every client stopped at a failed setup. */
            long untaken = run->messages - result->ok - result->errors;
            result->errors += untaken > 0 ? untaken : 0;
        }
    }
    result->elapsed = finished - run->started > 0 ? finished - run->started : 1;
    if (result->latencies.count > 0) {
        qsort(result->latencies.values, result->latencies.count, sizeof(long long), compare_nanos);
    }
    if (result->handshakes.count > 0) {
        qsort(result->handshakes.values, result->handshakes.count, sizeof(long long), compare_nanos);
    }
    for (int i = 0; i < c; i++) {
        SSL_SESSION_free(workers[i].conn->session);
        free(workers[i].conn);
        free(workers[i].message);
        free(workers[i].latencies.values);
        free(workers[i].handshakes.values);
    }
    free(workers);
    free(threads);
    return failed ? -1 : 0;
}

/* A JSON string literal: quotes, backslashes and control bytes escaped. */
static void json_string(const char *s) {
    putchar('"');
    for (; *s != '\0'; s++) {
        unsigned char b = (unsigned char) *s;
        if (b == '"' || b == '\\') {
            printf("\\%c", b);
        } else if (b < 0x20 || b == 0x7f) {
            printf("\\u%04x", b);
        } else {
            putchar(b);
        }
    }
    putchar('"');
}

static double millis(long long nanos) {
    return (double) nanos / 1e6;
}

/* "tls_load (C, OpenSSL 3.0.19)": the library's version at run time, its second word. */
static const char *generator_name(void) {
    static char name[80];
    char version[40] = "?";
    const char *text = OpenSSL_version(OPENSSL_VERSION);
    if (text != NULL && sscanf(text, "%*s %39s", version) != 1) {
        snprintf(version, sizeof version, "?");
    }
    snprintf(name, sizeof name, "tls_load (C, OpenSSL %s)", version);
    return name;
}

/* The same fields, in the same order, as `smtp-monitor bench --json`, and the generator. */
static void print_json(const struct options *o, const struct run *run, const struct result *r) {
    double seconds = (double) r->elapsed / 1e9;
    printf("{\"host\":");
    json_string(o->host);
    printf(",\"port\":%ld,\"conns\":%d,\"messages\":%ld,\"size\":%ld,\"pipelining\":false", o->port_number, o->conns,
           o->messages, o->size);
    printf(",\"ok\":%ld,\"errors\":%ld,\"seconds\":%.6f,\"messagesPerSecond\":%.1f,\"mbPerSecond\":%.3f", r->ok,
           r->errors, seconds, (double) r->ok / seconds, (double) r->ok * (double) o->size / seconds / 1e6);
    printf(",\"latencyMs\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f}",
           millis(percentile(&r->latencies, 50)), millis(percentile(&r->latencies, 90)),
           millis(percentile(&r->latencies, 99)), millis(percentile(&r->latencies, 100)));
    printf(",\"runId\":\"%s\",\"verified\":null,\"warmup\":%ld,\"messagesPerConnection\":", run->run_id, o->warmup);
    if (o->per_connection == 0) {
        printf("null");
    } else {
        printf("%ld", o->per_connection);
    }
    printf(",\"tls\":");
    if (!r->tls) {
        printf("null");
    } else {
        printf("{\"protocol\":");
        json_string(r->protocol);
        printf(",\"cipher\":");
        json_string(r->cipher);
        printf(",\"handshakeMs\":{\"p50\":%.3f,\"max\":%.3f},\"resumed\":%ld}", millis(percentile(&r->handshakes, 50)),
               millis(percentile(&r->handshakes, 100)), r->resumed);
    }
    printf(",\"generator\":");
    json_string(generator_name());
    printf("}\n");
}

static void print_text(const struct options *o, const struct run *run, const struct result *r) {
    double seconds = (double) r->elapsed / 1e9;
    printf("server:   %s\n", r->greeting);
    printf("load:     %d connections, %ld messages of %ld bytes, lock-step (run id %s), %s\n", o->conns, o->messages,
           o->size, run->run_id, generator_name());
    if (o->per_connection != 0) {
        printf("sessions: a new connection for every %ld message%s, set up while the clock ran\n",
               o->per_connection, o->per_connection == 1 ? "" : "s");
    }
    if (o->warmup > 0) {
        printf("warm-up:  %ld messages sent first, not counted\n", o->warmup);
    }
    printf("sent:     %ld OK, %ld errors in %.3f s\n", r->ok, r->errors, seconds);
    printf("rate:     %.0f messages/s\n", (double) r->ok / seconds);
    printf("latency:  p50 %.3f  p90 %.3f  p99 %.3f  max %.3f ms (%zu transactions)\n",
           millis(percentile(&r->latencies, 50)), millis(percentile(&r->latencies, 90)),
           millis(percentile(&r->latencies, 99)), millis(percentile(&r->latencies, 100)), r->latencies.count);
    if (r->tls) {
        printf("tls:      %s %s\n", r->protocol, r->cipher);
        printf("tls time: p50 %.3f  max %.3f ms (%zu handshakes, %ld of them resumed, %s)\n",
               millis(percentile(&r->handshakes, 50)), millis(percentile(&r->handshakes, 100)), r->handshakes.count,
               r->resumed, o->per_connection != 0 ? "in the rate" : "before the clock started: not in the rate");
    }
}

static void usage(FILE *to) {
    fprintf(to,
            "Usage: tls_load --port PORT --rcpt ADDRESS [--host HOST] [--conns C] [--messages N]\n"
            "                [--size BYTES] [--warmup N] [--from ADDRESS] [--tls | --starttls] [--insecure]\n"
            "                [--messages-per-connection M] [--resume] [--timeout SECONDS] [--json] [--version]\n"
            "Sends N messages of BYTES bytes over C connections, lock-step, as `smtp-monitor bench` does.\n"
            "--tls: implicit TLS; --starttls: EHLO, STARTTLS, EHLO; neither: plain. Certificates are never\n"
            "checked (--insecure is accepted for bench's command lines). Every handshake is a full one;\n"
            "--resume offers each thread's last session again, as the JDK's client does by itself.\n"
            "Defaults: --host 127.0.0.1, --conns 1, --messages 1000, --size 1024, --warmup 0,\n"
            "--from bench@localhost, --timeout 30 (seconds without a reply).\n"
            "Exit status: 0 every message accepted, 1 a failure, 2 bad command line.\n");
}

__attribute__((format(printf, 1, 2), noreturn))
static void bad_usage(const char *format, ...) {
    va_list args;
    va_start(args, format);
    fprintf(stderr, "tls_load: ");
    vfprintf(stderr, format, args);
    fprintf(stderr, "\n");
    va_end(args);
    usage(stderr);
    exit(2);
}

static long number(const char *option, const char *text, long low, long high) {
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < low || value > high) {
        bad_usage("%s: '%s' is not a number from %ld to %ld", option, text, low, high);
    }
    return value;
}

/* An address goes into a command line as it is: no spaces, controls, brackets or a missing '@'. */
static const char *address(const char *option, const char *text) {
    const char *at = strchr(text, '@');
    if (at == NULL || at == text || at[1] == '\0' || strlen(text) > 254) {
        bad_usage("%s: '%s' is not an address", option, text);
    }
    for (const char *p = text; *p != '\0'; p++) {
        if ((unsigned char) *p <= ' ' || *p == '<' || *p == '>' || *p == 0x7f) {
            bad_usage("%s: '%s' is not an address", option, text);
        }
    }
    return text;
}

static void parse(int argc, char **argv, struct options *o) {
    *o = (struct options) { .host = "127.0.0.1", .port = NULL, .conns = 1, .messages = 1000, .size = 1024,
                            .warmup = 0, .from = "bench@localhost", .mode = PLAIN, .timeout_seconds = 30 };
    int tls = 0, starttls = 0;
    for (int i = 1; i < argc; i++) {
        const char *name = argv[i];
        const char *value = NULL;
        char option[64];
        const char *equals = strchr(name, '=');
        if (strncmp(name, "--", 2) == 0 && equals != NULL && (size_t) (equals - name) < sizeof option) {
            memcpy(option, name, (size_t) (equals - name));
            option[equals - name] = '\0';
            name = option;
            value = equals + 1;
        }
        int flag = strcmp(name, "--tls") == 0 || strcmp(name, "--starttls") == 0 || strcmp(name, "--insecure") == 0
                || strcmp(name, "--json") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0
                || strcmp(name, "--version") == 0 || strcmp(name, "--resume") == 0;
        if (flag) {
            if (value != NULL) {
                bad_usage("%s takes no value", name);
            }
        } else if (strcmp(name, "--host") != 0 && strcmp(name, "--port") != 0 && strcmp(name, "--conns") != 0
                && strcmp(name, "--messages") != 0 && strcmp(name, "--size") != 0 && strcmp(name, "--warmup") != 0
                && strcmp(name, "--messages-per-connection") != 0 && strcmp(name, "--timeout") != 0
                && strcmp(name, "--from") != 0 && strcmp(name, "--rcpt") != 0) {
            bad_usage("unknown option '%s'", argv[i]);
        } else if (value == NULL) {
            if (i + 1 >= argc) {
                bad_usage("%s: a value is missing", name);
            }
            value = argv[++i];
        }
        if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
            usage(stdout);
            exit(0);
        } else if (strcmp(name, "--version") == 0) {
            printf("%s\n", generator_name());
            exit(0);
        } else if (strcmp(name, "--tls") == 0) {
            tls = 1;
        } else if (strcmp(name, "--starttls") == 0) {
            starttls = 1;
        } else if (strcmp(name, "--insecure") == 0) {
            /* certificates are never checked */
        } else if (strcmp(name, "--json") == 0) {
            o->json = 1;
        } else if (strcmp(name, "--resume") == 0) {
            o->resume = 1;
        } else if (strcmp(name, "--host") == 0) {
            o->host = value;
        } else if (strcmp(name, "--port") == 0) {
            o->port_number = number("--port", value, 1, 65535);
            o->port = value;
        } else if (strcmp(name, "--conns") == 0) {
            o->conns = (int) number("--conns", value, 1, 10000);
        } else if (strcmp(name, "--messages") == 0) {
            o->messages = number("--messages", value, 1, 1000000000L);
        } else if (strcmp(name, "--size") == 0) {
            o->size = number("--size", value, 1, MAX_SIZE);
        } else if (strcmp(name, "--warmup") == 0) {
            o->warmup = number("--warmup", value, 0, 1000000000L);
        } else if (strcmp(name, "--messages-per-connection") == 0) {
            o->per_connection = number("--messages-per-connection", value, 1, 1000000000L);
        } else if (strcmp(name, "--timeout") == 0) {
            o->timeout_seconds = (int) number("--timeout", value, 1, 3600);
        } else if (strcmp(name, "--from") == 0) {
            o->from = address("--from", value);
        } else if (strcmp(name, "--rcpt") == 0) {
            if (o->rcpt_count == MAX_RCPTS) {
                bad_usage("--rcpt: at most %d recipients", MAX_RCPTS);
            }
            o->rcpts[o->rcpt_count++] = address("--rcpt", value);
        }
    }
    if (o->port == NULL) {
        bad_usage("--port is required");
    }
    if (o->rcpt_count == 0) {
        bad_usage("--rcpt is required");
    }
    if (tls && starttls) {
        bad_usage("--tls and --starttls: one or the other");
    }
    o->mode = tls ? IMPLICIT : starttls ? STARTTLS : PLAIN;
    if (o->conns > o->messages) {
        bad_usage("--conns: must be between 1 and --messages (%ld)", o->messages);
    }
    if (o->per_connection > o->messages) {
        bad_usage("--messages-per-connection: must be between 1 and --messages (%ld)", o->messages);
    }
}

int main(int argc, char **argv) {
    struct options o;
    parse(argc, argv, &o);
    signal(SIGPIPE, SIG_IGN);  /* a server that hangs up is a failed connection, not the end of the run */

    struct run measured;
    long minimum;
    if (run_init(&measured, &o, o.messages, o.conns, &minimum) < 0) {
        bad_usage("--size: %ld bytes is too small: the headers alone take %ld bytes", o.size, minimum);
    }
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
    int r = getaddrinfo(o.host, o.port, &hints, &server_addresses);
    if (r != 0) {
        fprintf(stderr, "tls_load: %s: %s\n", o.host, gai_strerror(r));
        return 1;
    }
    if (o.mode != PLAIN) {
        tls_context = SSL_CTX_new(TLS_client_method());
        if (tls_context == NULL || SSL_CTX_set_min_proto_version(tls_context, TLS1_2_VERSION) != 1) {
            fprintf(stderr, "tls_load: cannot set up OpenSSL: %s\n", tls_error());
            return 1;
        }
        SSL_CTX_set_verify(tls_context, SSL_VERIFY_NONE, NULL);
    }

    if (o.warmup > 0) {
        struct run warmup;
        if (run_init(&warmup, &o, o.warmup, o.conns < o.warmup ? o.conns : (int) o.warmup, &minimum) < 0) {
            bad_usage("--size: %ld bytes is too small for the warm-up's headers (%ld)", o.size, minimum);
        }
        struct result result;
        if (run_load(&warmup, &result, "warm-up: ") < 0) {
            return 1;
        }
        free(result.latencies.values);
        free(result.handshakes.values);
        run_free(&warmup);
        if (result.errors != 0 || result.ok != o.warmup) {
            fprintf(stderr, "tls_load: the warm-up failed: %ld of %ld messages accepted\n", result.ok, o.warmup);
            return 1;
        }
    }
    struct result result;
    if (run_load(&measured, &result, "") < 0) {
        return 1;
    }
    if (o.json) {
        print_json(&o, &measured, &result);
    } else {
        print_text(&o, &measured, &result);
    }
    int success = result.errors == 0 && result.ok == o.messages;
    free(result.latencies.values);
    free(result.handshakes.values);
    run_free(&measured);
    freeaddrinfo(server_addresses);
    SSL_CTX_free(tls_context);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "tls_load: cannot write the report: %s\n", strerror(errno));
        return 1;
    }
    return success ? 0 : 1;
}
