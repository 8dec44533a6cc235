import TestManifest
import XCTest
