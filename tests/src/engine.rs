//! A recording Docker Engine API server on a unix socket.
//!
//! The real `docker` CLI talks to it through `DOCKER_HOST=unix://...`. It answers just enough of the
//! Engine API for `docker run` (attached, `-d`, `--rm`), `create`, `start`, `rm -f`, `network create`,
//! `volume create` and `version` to finish with exit status 0, and it records every request so a test
//! can assert what the command line meant: the container create body (image, Cmd, Env, HostConfig...),
//! the `name` query parameter, network and volume create bodies.
//!
//! A container "runs" as soon as it is started and exits at once with [`EngineOptions::exit_code`],
//! after writing [`EngineOptions::stdout`] and [`EngineOptions::stderr`] to an attached client.
//!
//! Std only: one thread accepts, one thread serves each connection (HTTP/1.1 with keep-alive, bodies
//! with `Content-Length` or `Transfer-Encoding: chunked`, the `attach` upgrade). Every connection has a
//! read timeout, and dropping the [`Engine`] shuts all of them down, so a test never hangs on it.

use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::Shutdown;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use serde_json::{Value, json};

/// The Engine API version the server announces (`Api-Version` header, `/version`).
///
/// Docker 28.2's client speaks 1.50; an older client negotiates down to its own maximum.
pub const API_VERSION: &str = "1.50";
/// The oldest Engine API version the server claims to accept.
pub const MIN_API_VERSION: &str = "1.24";
/// The engine version the server claims to be.
pub const ENGINE_VERSION: &str = "28.2.2";

/// How long a connection may stay silent before the server closes it.
const READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest request head (request line and headers) accepted.
const MAX_HEAD_BYTES: usize = 1 << 20;
/// Largest request body accepted.
const MAX_BODY_BYTES: usize = 64 << 20;

/// One HTTP request the engine received.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// HTTP method, e.g. `POST`.
    pub method: String,
    /// Percent-decoded path without the `/v1.xx` prefix, e.g. `/containers/create`.
    pub path: String,
    /// The API version of the prefix (`1.50` for `/v1.50/...`), if the path had one.
    pub api_version: Option<String>,
    /// Decoded query parameters in request order.
    pub query: Vec<(String, String)>,
    /// Headers in request order, names lowercased.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
    /// The body parsed as JSON, when it is JSON.
    pub json: Option<Value>,
    /// Whether the engine had a handler for this request (unhandled ones get a 404).
    pub handled: bool,
}

impl Recorded {
    /// The first value of query parameter `key`.
    pub fn query_param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Display for Recorded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        for (i, (k, v)) in self.query.iter().enumerate() {
            write!(f, "{}{k}={v}", if i == 0 { '?' } else { '&' })?;
        }
        if let Some(json) = &self.json {
            write!(f, " {json}")?;
        } else if !self.body.is_empty() {
            write!(f, " <{} bytes>", self.body.len())?;
        }
        Ok(())
    }
}

/// What started containers do.
#[derive(Debug, Clone, Default)]
pub struct EngineOptions {
    /// Exit status every container reports to `wait` (0 by default).
    pub exit_code: i64,
    /// Bytes an attached client receives on stdout.
    pub stdout: Vec<u8>,
    /// Bytes an attached client receives on stderr.
    pub stderr: Vec<u8>,
}

#[derive(Debug, Clone)]
struct Container {
    id: String,
    name: String,
    tty: bool,
    config: Value,
}

#[derive(Debug, Default)]
struct Log {
    requests: Vec<Recorded>,
    errors: Vec<String>,
    containers: Vec<Container>,
}

#[derive(Debug)]
struct Shared {
    options: EngineOptions,
    stopping: AtomicBool,
    next_id: AtomicU64,
    log: Mutex<Log>,
    connections: Mutex<Vec<(UnixStream, JoinHandle<()>)>>,
}

impl Shared {
    fn log(&self) -> MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn new_id(&self) -> String {
        let n = self.next_id.fetch_add(1, Ordering::Relaxed);
        // 64 hex digits like a real id; a distinct 12-digit prefix for each id.
        format!("{:012x}{:052x}", 0xd0c5_0000_0000_u64 + n, n)
    }

    fn find_container(&self, reference: &str) -> Option<Container> {
        let log = self.log();
        log.containers
            .iter()
            .find(|c| c.id == reference || c.name == reference)
            .or_else(|| {
                log.containers
                    .iter()
                    .find(|c| reference.len() >= 4 && c.id.starts_with(reference))
            })
            .cloned()
    }
}

/// A running recording engine; it stops, and its socket is removed, when dropped.
#[derive(Debug)]
pub struct Engine {
    dir: PathBuf,
    socket: PathBuf,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl Engine {
    /// Starts an engine whose containers exit 0 with no output.
    ///
    /// # Panics
    /// When the socket cannot be created or bound.
    pub fn start() -> Engine {
        Engine::start_with(EngineOptions::default())
    }

    /// Starts an engine whose containers behave as `options` says.
    ///
    /// # Panics
    /// When the socket cannot be created or bound.
    pub fn start_with(options: EngineOptions) -> Engine {
        let dir = crate::tmp::unique_dir("dockscape-engine")
            .unwrap_or_else(|e| panic!("recording engine: cannot create a socket directory: {e}"));
        // Only this user may talk to the socket.
        if let Err(e) = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)) {
            panic!("recording engine: cannot restrict {}: {e}", dir.display());
        }
        let socket = dir.join("docker.sock");
        let listener = UnixListener::bind(&socket)
            .unwrap_or_else(|e| panic!("recording engine: cannot bind {}: {e}", socket.display()));
        let shared = Arc::new(Shared {
            options,
            stopping: AtomicBool::new(false),
            next_id: AtomicU64::new(1),
            log: Mutex::new(Log::default()),
            connections: Mutex::new(Vec::new()),
        });
        let acceptor = {
            let shared = Arc::clone(&shared);
            thread::Builder::new()
                .name("dockscape-engine-accept".into())
                .spawn(move || accept_loop(&listener, &shared))
                .unwrap_or_else(|e| panic!("recording engine: cannot spawn a thread: {e}"))
        };
        Engine {
            dir,
            socket,
            shared,
            acceptor: Some(acceptor),
        }
    }

    /// The unix socket the engine listens on.
    pub fn socket_path(&self) -> &Path {
        &self.socket
    }

    /// The value for `DOCKER_HOST`: `unix://` and the socket path.
    pub fn docker_host(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.log().requests.clone()
    }

    /// The requests with this method and (unversioned) path.
    pub fn requests_to(&self, method: &str, path: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == method && r.path == path)
            .collect()
    }

    /// The `POST /containers/create` requests (the container name is the `name` query parameter).
    pub fn create_requests(&self) -> Vec<Recorded> {
        self.requests_to("POST", "/containers/create")
    }

    /// The JSON bodies of the `POST /containers/create` requests.
    pub fn creates(&self) -> Vec<Value> {
        bodies(self.create_requests())
    }

    /// The body of the only container create request.
    ///
    /// # Panics
    /// Unless exactly one container was created; the message lists every request received.
    pub fn single_create(&self) -> Value {
        let creates = self.creates();
        match <[Value; 1]>::try_from(creates) {
            Ok([one]) => one,
            Err(creates) => panic!(
                "expected exactly one container create request, got {}; requests:\n{}",
                creates.len(),
                self.describe()
            ),
        }
    }

    /// The JSON bodies of the `POST /networks/create` requests.
    pub fn network_creates(&self) -> Vec<Value> {
        bodies(self.requests_to("POST", "/networks/create"))
    }

    /// The JSON bodies of the `POST /volumes/create` requests.
    pub fn volume_creates(&self) -> Vec<Value> {
        bodies(self.requests_to("POST", "/volumes/create"))
    }

    /// Requests the engine had no handler for (it answered 404).
    pub fn unhandled(&self) -> Vec<Recorded> {
        self.requests().into_iter().filter(|r| !r.handled).collect()
    }

    /// Protocol errors met while serving (malformed requests, I/O errors other than a closed peer).
    pub fn errors(&self) -> Vec<String> {
        self.shared.log().errors.clone()
    }

    /// Forgets the requests and errors recorded so far (containers stay known).
    pub fn clear(&self) {
        let mut log = self.shared.log();
        log.requests.clear();
        log.errors.clear();
    }

    /// One line per recorded request, for failure messages.
    pub fn describe(&self) -> String {
        let log = self.shared.log();
        let mut out = String::new();
        for r in &log.requests {
            out.push_str(&format!("  {r}\n"));
        }
        for e in &log.errors {
            out.push_str(&format!("  error: {e}\n"));
        }
        out
    }
}

fn bodies(requests: Vec<Recorded>) -> Vec<Value> {
    requests
        .into_iter()
        .map(|r| r.json.unwrap_or(Value::Null))
        .collect()
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wake the acceptor, blocked in accept(), with a connection of our own. Should that fail (the
        // socket file was removed under us), leave the thread be rather than wait for it forever.
        let woken = UnixStream::connect(&self.socket).is_ok();
        if let Some(acceptor) = self.acceptor.take()
            && woken
        {
            let _ = acceptor.join();
        }
        let connections = std::mem::take(
            &mut *self
                .shared
                .connections
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        for (stream, _) in &connections {
            let _ = stream.shutdown(Shutdown::Both);
        }
        for (_, handle) in connections {
            let _ = handle.join();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn accept_loop(listener: &UnixListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let stream = match stream {
            Ok(stream) => stream,
            Err(e) => {
                shared.log().errors.push(format!("accept: {e}"));
                // Out of file descriptors, say: do not spin.
                thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        let for_shutdown = match stream.try_clone() {
            Ok(s) => s,
            Err(e) => {
                shared.log().errors.push(format!("clone: {e}"));
                continue;
            }
        };
        let worker = Arc::clone(shared);
        let spawned = thread::Builder::new()
            .name("dockscape-engine-conn".into())
            .spawn(move || serve_connection(stream, &worker));
        match spawned {
            Ok(handle) => {
                let mut connections = shared
                    .connections
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                // Forget finished connections, so a long test does not pile up descriptors.
                connections.retain(|(_, handle)| !handle.is_finished());
                connections.push((for_shutdown, handle));
            }
            Err(e) => shared.log().errors.push(format!("spawn: {e}")),
        }
    }
}

/// A parsed request head and body.
struct Request {
    recorded: Recorded,
    keep_alive: bool,
}

enum ReadOutcome {
    Request(Box<Request>),
    /// The peer closed (or went silent) between requests.
    Closed,
}

fn serve_connection(stream: UnixStream, shared: &Shared) {
    // The engine keeps a clone of every stream (to shut them all down when dropped), so closing this
    // thread's handles would not end the connection: shut it down, and the peer reads EOF.
    let closer = stream.try_clone();
    let result = serve(stream, shared);
    if let Ok(closer) = closer {
        let _ = closer.shutdown(Shutdown::Both);
    }
    if let Err(e) = result
        && !matches!(
            e.kind(),
            io::ErrorKind::BrokenPipe
                | io::ErrorKind::ConnectionReset
                | io::ErrorKind::NotConnected
                | io::ErrorKind::UnexpectedEof
        )
        && !shared.stopping.load(Ordering::SeqCst)
    {
        shared.log().errors.push(e.to_string());
    }
}

fn serve(stream: UnixStream, shared: &Shared) -> io::Result<()> {
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    stream.set_write_timeout(Some(READ_TIMEOUT))?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    loop {
        let request = match read_request(&mut reader) {
            Ok(ReadOutcome::Request(request)) => request,
            Ok(ReadOutcome::Closed) => return Ok(()),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Ok(());
            }
            Err(e) => {
                // Logged before the reply, so a client that has its answer also sees the error.
                shared.log().errors.push(e.to_string());
                let _ = respond(
                    &mut writer,
                    &Reply::json(400, &json!({ "message": e.to_string() })),
                    false,
                    true,
                );
                return Ok(());
            }
        };
        let Request {
            mut recorded,
            keep_alive,
        } = *request;
        let reply = route(shared, &recorded);
        recorded.handled = !matches!(reply, Reply::Unhandled(_));
        let head = recorded.method == "HEAD";
        shared.log().requests.push(recorded);
        match reply {
            Reply::Hijack {
                tty,
                stdout,
                stderr,
            } => return hijack(writer, tty, &stdout, &stderr),
            reply => respond(&mut writer, &reply, head, !keep_alive)?,
        }
        if !keep_alive {
            return Ok(());
        }
    }
}

fn read_request(reader: &mut BufReader<UnixStream>) -> io::Result<ReadOutcome> {
    let mut head_bytes = 0usize;
    let mut line = String::new();
    // Skip stray empty lines between requests (RFC 9112 allows them).
    loop {
        line.clear();
        let n = read_line(reader, &mut line, &mut head_bytes)?;
        if n == 0 {
            return Ok(ReadOutcome::Closed);
        }
        if !line.trim_end().is_empty() {
            break;
        }
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target), Some(_version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid(format!("bad request line {line:?}")));
    };
    let method = method.to_owned();
    let target = target.to_owned();

    let mut headers = Vec::new();
    loop {
        line.clear();
        if read_line(reader, &mut line, &mut head_bytes)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed inside a request head",
            ));
        }
        let l = line.trim_end_matches(['\r', '\n']);
        if l.is_empty() {
            break;
        }
        let Some((name, value)) = l.split_once(':') else {
            return Err(invalid(format!("bad header line {l:?}")));
        };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };

    let chunked =
        header("transfer-encoding").is_some_and(|te| te.to_ascii_lowercase().contains("chunked"));
    let body = if chunked {
        read_chunked(reader)?
    } else if let Some(len) = header("content-length") {
        let len: usize = len
            .parse()
            .map_err(|_| invalid(format!("bad content-length {len:?}")))?;
        if len > MAX_BODY_BYTES {
            return Err(invalid(format!("body of {len} bytes is too large")));
        }
        let mut body = vec![0; len];
        reader.read_exact(&mut body)?;
        body
    } else {
        Vec::new()
    };
    let keep_alive = !header("connection").is_some_and(|c| c.eq_ignore_ascii_case("close"));

    let (raw_path, raw_query) = target.split_once('?').unwrap_or((&target, ""));
    let path = percent_decode(raw_path, false);
    let (api_version, path) = strip_version(&path);
    let query = raw_query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k, true), percent_decode(v, true))
        })
        .collect();
    let json = if body.is_empty() {
        None
    } else {
        serde_json::from_slice(&body).ok()
    };
    Ok(ReadOutcome::Request(Box::new(Request {
        recorded: Recorded {
            method,
            path,
            api_version,
            query,
            headers,
            body,
            json,
            handled: false,
        },
        keep_alive,
    })))
}

fn read_line(
    reader: &mut BufReader<UnixStream>,
    line: &mut String,
    total: &mut usize,
) -> io::Result<usize> {
    let limit = (MAX_HEAD_BYTES - *total) as u64 + 1;
    let n = reader.by_ref().take(limit).read_line(line)?;
    *total += n;
    if *total > MAX_HEAD_BYTES {
        return Err(invalid("request head too large".into()));
    }
    Ok(n)
}

fn read_chunked(reader: &mut BufReader<UnixStream>) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    let mut line = String::new();
    let mut head_bytes = 0usize;
    loop {
        line.clear();
        if read_line(reader, &mut line, &mut head_bytes)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed inside a chunked body",
            ));
        }
        let size = line.trim_end().split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size, 16)
            .map_err(|_| invalid(format!("bad chunk size line {line:?}")))?;
        if size == 0 {
            // Trailer fields, up to an empty line.
            loop {
                line.clear();
                if read_line(reader, &mut line, &mut head_bytes)? == 0 || line.trim_end().is_empty()
                {
                    return Ok(body);
                }
            }
        }
        if body.len() + size > MAX_BODY_BYTES {
            return Err(invalid("chunked body too large".into()));
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = [0u8; 2];
        reader.read_exact(&mut crlf)?;
        if &crlf != b"\r\n" {
            return Err(invalid("chunk not followed by CRLF".into()));
        }
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// Splits a `/v1.50` prefix off `path`.
fn strip_version(path: &str) -> (Option<String>, String) {
    if let Some(rest) = path.strip_prefix("/v") {
        let end = rest.find('/').unwrap_or(rest.len());
        let version = &rest[..end];
        let numeric = !version.is_empty()
            && version.chars().all(|c| c.is_ascii_digit() || c == '.')
            && version.starts_with(|c: char| c.is_ascii_digit());
        if numeric {
            let path = if end == rest.len() { "/" } else { &rest[end..] };
            return (Some(version.to_owned()), path.to_owned());
        }
    }
    (None, path.to_owned())
}

fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(b) = hex {
                    out.push(b);
                    i += 3;
                } else {
                    out.push(b'%');
                    i += 1;
                }
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What to answer.
enum Reply {
    Json {
        status: u16,
        body: Vec<u8>,
    },
    Text {
        status: u16,
        content_type: &'static str,
        body: Vec<u8>,
    },
    NoContent,
    Hijack {
        tty: bool,
        stdout: Vec<u8>,
        stderr: Vec<u8>,
    },
    Unhandled(Box<Reply>),
}

impl Reply {
    fn json(status: u16, value: &Value) -> Reply {
        Reply::Json {
            status,
            body: value.to_string().into_bytes(),
        }
    }
}

fn route(shared: &Shared, request: &Recorded) -> Reply {
    let method = request.method.as_str();
    let segments: Vec<&str> = request.path.trim_matches('/').split('/').collect();
    match (method, segments.as_slice()) {
        ("GET" | "HEAD", ["_ping"]) => Reply::Text {
            status: 200,
            content_type: "text/plain; charset=utf-8",
            body: b"OK".to_vec(),
        },
        ("GET", ["version"]) => Reply::json(200, &version()),
        ("POST", ["containers", "create"]) => create_container(shared, request),
        ("POST", ["containers", reference, "attach"]) => {
            let container = shared.find_container(reference);
            let wants = |key: &str| {
                request
                    .query_param(key)
                    .is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
            };
            Reply::Hijack {
                tty: container.is_some_and(|c| c.tty),
                stdout: if wants("stdout") {
                    shared.options.stdout.clone()
                } else {
                    Vec::new()
                },
                stderr: if wants("stderr") {
                    shared.options.stderr.clone()
                } else {
                    Vec::new()
                },
            }
        }
        ("POST", ["containers", _, "wait"]) => {
            Reply::json(200, &json!({ "StatusCode": shared.options.exit_code }))
        }
        ("POST", ["containers", _, "start" | "stop" | "kill" | "restart"]) => Reply::NoContent,
        ("DELETE", ["containers", reference]) => {
            let mut log = shared.log();
            log.containers
                .retain(|c| c.id != *reference && c.name != *reference);
            Reply::NoContent
        }
        ("GET", ["containers", reference, "json"]) => match shared.find_container(reference) {
            Some(c) => Reply::json(200, &inspect(&c, shared.options.exit_code)),
            None => Reply::json(
                404,
                &json!({ "message": format!("No such container: {reference}") }),
            ),
        },
        ("POST", ["networks", "create"]) => {
            Reply::json(201, &json!({ "Id": shared.new_id(), "Warning": "" }))
        }
        ("POST", ["volumes", "create"]) => {
            let name = request
                .json
                .as_ref()
                .and_then(|b| b.get("Name"))
                .and_then(Value::as_str)
                .filter(|n| !n.is_empty())
                .map_or_else(|| shared.new_id(), str::to_owned);
            let driver = request
                .json
                .as_ref()
                .and_then(|b| b.get("Driver"))
                .and_then(Value::as_str)
                .filter(|d| !d.is_empty())
                .unwrap_or("local")
                .to_owned();
            Reply::json(
                201,
                &json!({
                    "Name": name,
                    "Driver": driver,
                    "Mountpoint": format!("/var/lib/docker/volumes/{name}/_data"),
                    "Labels": request.json.as_ref().and_then(|b| b.get("Labels")).cloned().unwrap_or(Value::Null),
                    "Options": request.json.as_ref().and_then(|b| b.get("DriverOpts")).cloned().unwrap_or(Value::Null),
                    "Scope": "local",
                    "CreatedAt": "2025-01-01T00:00:00Z",
                }),
            )
        }
        ("POST", ["images", "create"]) => {
            let image = request.query_param("fromImage").unwrap_or("");
            let tag = request.query_param("tag").unwrap_or("");
            let status =
                json!({ "status": format!("Status: Image is up to date for {image}:{tag}") });
            Reply::Json {
                status: 200,
                body: format!("{status}\n").into_bytes(),
            }
        }
        _ => Reply::Unhandled(Box::new(Reply::json(
            404,
            &json!({
                "message": format!(
                    "dockscape recording engine: no handler for {} {}",
                    request.method, request.path
                )
            }),
        ))),
    }
}

fn version() -> Value {
    let details = json!({
        "ApiVersion": API_VERSION,
        "MinAPIVersion": MIN_API_VERSION,
        "GitCommit": "dockscape",
        "GoVersion": "go1.24.3",
        "Os": "linux",
        "Arch": "amd64",
        "KernelVersion": "6.1.0",
        "BuildTime": "2025-01-01T00:00:00.000000000+00:00",
        "Experimental": "false",
    });
    json!({
        "Platform": { "Name": "dockscape recording engine" },
        "Components": [{ "Name": "Engine", "Version": ENGINE_VERSION, "Details": details }],
        "Version": ENGINE_VERSION,
        "ApiVersion": API_VERSION,
        "MinAPIVersion": MIN_API_VERSION,
        "GitCommit": "dockscape",
        "GoVersion": "go1.24.3",
        "Os": "linux",
        "Arch": "amd64",
        "KernelVersion": "6.1.0",
        "BuildTime": "2025-01-01T00:00:00.000000000+00:00",
    })
}

fn create_container(shared: &Shared, request: &Recorded) -> Reply {
    let Some(config) = request.json.clone().filter(Value::is_object) else {
        return Reply::json(
            400,
            &json!({ "message": "dockscape recording engine: create body is not a JSON object" }),
        );
    };
    let id = shared.new_id();
    let name = request
        .query_param("name")
        .filter(|n| !n.is_empty())
        .map_or_else(|| format!("dockscape_{}", &id[..12]), str::to_owned);
    let tty = config.get("Tty").and_then(Value::as_bool).unwrap_or(false);
    let mut log = shared.log();
    if log.containers.iter().any(|c| c.name == name) {
        return Reply::json(
            409,
            &json!({ "message": format!(
                "Conflict. The container name \"/{name}\" is already in use by container \"{}\". You have to remove (or rename) that container to be able to reuse that name.",
                log.containers.iter().find(|c| c.name == name).map_or("", |c| c.id.as_str())
            )}),
        );
    }
    log.containers.push(Container {
        id: id.clone(),
        name,
        tty,
        config,
    });
    Reply::json(201, &json!({ "Id": id, "Warnings": [] }))
}

fn inspect(c: &Container, exit_code: i64) -> Value {
    json!({
        "Id": c.id,
        "Name": format!("/{}", c.name),
        "Image": c.config.get("Image").cloned().unwrap_or(Value::Null),
        "Config": c.config,
        "HostConfig": c.config.get("HostConfig").cloned().unwrap_or(Value::Null),
        "State": {
            "Status": "exited",
            "Running": false,
            "Paused": false,
            "Restarting": false,
            "OOMKilled": false,
            "Dead": false,
            "Pid": 0,
            "ExitCode": exit_code,
            "Error": "",
        },
    })
}

fn status_reason(status: u16) -> &'static str {
    match status {
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        404 => "Not Found",
        409 => "Conflict",
        _ => "Unknown",
    }
}

fn common_headers(out: &mut Vec<u8>) {
    out.extend_from_slice(
        format!(
            "Api-Version: {API_VERSION}\r\nDocker-Experimental: false\r\nOstype: linux\r\nServer: Docker/{ENGINE_VERSION} (linux)\r\n"
        )
        .as_bytes(),
    );
}

fn respond(writer: &mut UnixStream, reply: &Reply, head: bool, close: bool) -> io::Result<()> {
    let (status, content_type, body): (u16, Option<&str>, &[u8]) = match reply {
        Reply::Json { status, body } => (*status, Some("application/json"), body),
        Reply::Text {
            status,
            content_type,
            body,
        } => (*status, Some(content_type), body),
        Reply::NoContent => (204, None, &[]),
        Reply::Unhandled(inner) => return respond(writer, inner, head, close),
        Reply::Hijack { .. } => return Err(invalid("hijack is not a plain reply".into())),
    };
    let mut out = format!("HTTP/1.1 {status} {}\r\n", status_reason(status)).into_bytes();
    common_headers(&mut out);
    if let Some(content_type) = content_type {
        out.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
    }
    if status != 204 {
        out.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    if close {
        out.extend_from_slice(b"Connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
    if !head {
        out.extend_from_slice(body);
    }
    writer.write_all(&out)?;
    writer.flush()
}

/// Answers an `attach` with `101 UPGRADED`, writes the container's output and closes the stream, which
/// the client reads as the container having finished.
fn hijack(mut writer: UnixStream, tty: bool, stdout: &[u8], stderr: &[u8]) -> io::Result<()> {
    let content_type = if tty {
        "application/vnd.docker.raw-stream"
    } else {
        "application/vnd.docker.multiplexed-stream"
    };
    let mut out = b"HTTP/1.1 101 UPGRADED\r\n".to_vec();
    common_headers(&mut out);
    out.extend_from_slice(
        format!("Content-Type: {content_type}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n")
            .as_bytes(),
    );
    if tty {
        out.extend_from_slice(stdout);
        out.extend_from_slice(stderr);
    } else {
        for (stream_type, data) in [(1u8, stdout), (2u8, stderr)] {
            for chunk in data.chunks(u32::MAX as usize) {
                out.extend_from_slice(&[stream_type, 0, 0, 0]);
                out.extend_from_slice(&u32::try_from(chunk.len()).unwrap_or(0).to_be_bytes());
                out.extend_from_slice(chunk);
            }
        }
    }
    writer.write_all(&out)?;
    writer.flush()?;
    writer.shutdown(Shutdown::Both)
}

impl Engine {
    /// Names of the containers currently known (created and not removed), in creation order.
    pub fn container_names(&self) -> Vec<String> {
        self.shared
            .log()
            .containers
            .iter()
            .map(|c| c.name.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_the_version_prefix() {
        assert_eq!(
            strip_version("/v1.50/containers/create"),
            (Some("1.50".into()), "/containers/create".into())
        );
        assert_eq!(strip_version("/_ping"), (None, "/_ping".into()));
        assert_eq!(strip_version("/volumes/x"), (None, "/volumes/x".into()));
    }

    #[test]
    fn decodes_percent_and_plus() {
        assert_eq!(percent_decode("a%20b+c%2", true), "a b c%2");
        assert_eq!(percent_decode("a+b", false), "a+b");
        assert_eq!(percent_decode("%7B%22a%22%7D", true), "{\"a\"}");
    }
}
