/// armvm's version, printed by `armvm --version` and written into JUnit reports. Bumped by hand
/// with each release; the only place it is spelled.
let armvmVersion = "0.9.0"
