//! The minijinja templates of dockscape, embedded with `include_str!` so that they work wherever the
//! core runs (natively and in the browser). This crate only holds text; rendering lives in `dockscape`.
#![deny(missing_docs)]

/// Every template as `(name, source)`, sorted by name.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "ci/Jenkinsfile.j2",
        include_str!("../templates/ci/Jenkinsfile.j2"),
    ),
    (
        "ci/drone.yml.j2",
        include_str!("../templates/ci/drone.yml.j2"),
    ),
    (
        "ci/github-arc.yaml.j2",
        include_str!("../templates/ci/github-arc.yaml.j2"),
    ),
    (
        "ci/gitlab-ci.yml.j2",
        include_str!("../templates/ci/gitlab-ci.yml.j2"),
    ),
    (
        "ci/tekton.yaml.j2",
        include_str!("../templates/ci/tekton.yaml.j2"),
    ),
    ("explain.md.j2", include_str!("../templates/explain.md.j2")),
];

/// The source of the template called `name`, if there is one.
pub fn get(name: &str) -> Option<&'static str> {
    TEMPLATES.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}
