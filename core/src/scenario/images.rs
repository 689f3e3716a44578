//! The images the generator pins, on supported versions: one table, shown by `explain` and the README
//! (a test in `core/tests/params.rs` checks the README's copy), with the date each row was last
//! checked against upstream's releases.

use serde::Serialize;

/// One image the generated files use by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImageVersion {
    /// Repository (`docker`, `moby/buildkit`).
    pub image: &'static str,
    /// The tag (or tags, `29-cli`) the generator writes.
    pub tag: &'static str,
    /// The upstream release that tag stood for when checked.
    pub release: &'static str,
    /// When the row was last checked against upstream (ISO date).
    pub checked: &'static str,
    /// What it is used for.
    pub used_for: &'static str,
}

/// Docker major version in the `docker:<v>-*` tags: 29 is the current major (28 is end of life).
pub(crate) const DOCKER_VERSION: &str = "29";

/// The BuildKit release of the rootless BuildKit image.
pub(crate) const BUILDKIT_VERSION: &str = "v0.33.0";

/// The image of the runner container of actions-runner-controller scale sets.
pub(crate) const ARC_RUNNER_IMAGE: &str = "ghcr.io/actions/actions-runner:latest";

/// The image of the step that fills a build context when no source is given.
pub(crate) const BUSYBOX_IMAGE: &str = "busybox:1.37";

/// Every pinned image.
pub const IMAGES: &[ImageVersion] = &[
    ImageVersion {
        image: "docker",
        tag: "29-cli, 29-dind, 29-dind-rootless",
        release: "Docker Engine 29.8.2",
        checked: "2026-12-01",
        used_for: "the docker CLI of every client, the DinD daemons",
    },
    ImageVersion {
        image: "moby/buildkit",
        tag: "v0.33.0-rootless",
        release: "BuildKit v0.33.0",
        checked: "2026-12-01",
        used_for: "rootless BuildKit builds (`buildkit`)",
    },
    ImageVersion {
        image: "ghcr.io/actions/actions-runner",
        tag: "latest",
        release: "the runner image the scale-set chart itself uses",
        checked: "2026-12-01",
        used_for: "the ARC runner container (`github-arc`)",
    },
    ImageVersion {
        image: "busybox",
        tag: "1.37",
        release: "BusyBox 1.37.0",
        checked: "2026-12-01",
        used_for: "the placeholder source step of the BuildKit job",
    },
];

/// The pinned images, as the table `explain` and the README show.
pub fn images() -> &'static [ImageVersion] {
    IMAGES
}

/// The table as Markdown.
pub fn images_markdown() -> String {
    let mut out = String::from(
        "| image | tag | upstream release | last checked | used for |\n|---|---|---|---|---|\n",
    );
    for i in IMAGES {
        let tags: Vec<String> = i.tag.split(", ").map(|t| format!("`{t}`")).collect();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            i.image,
            tags.join(", "),
            i.release,
            i.checked,
            i.used_for
        ));
    }
    out
}
