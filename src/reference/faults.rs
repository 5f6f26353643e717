//! The shape every reference implementation's named faults share: an enum with a fixed
//! order, each fault's kebab-case name (as `--fault` and the catalogues spell it) and its
//! one-line description, and reading a name back.

/// Declares a named-fault enum: `named_faults! { Enum, "doc"; Variant => "name",
/// "description"; … }`.
macro_rules! named_faults {
    ($enum:ident, $doc:literal; $( $variant:ident => $name:literal, $description:literal; )*) => {
        #[doc = $doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $enum {
            $(
                #[doc = $description]
                $variant,
            )*
        }

        impl $enum {
            /// Every fault, in a fixed order.
            pub const ALL: &'static [$enum] = &[$($enum::$variant),*];

            /// The fault's name, as `--fault` and the case catalogue spell it.
            pub fn name(self) -> &'static str {
                match self {
                    $($enum::$variant => $name,)*
                }
            }

            /// One line for `--help` and reports.
            pub fn description(self) -> &'static str {
                match self {
                    $($enum::$variant => $description,)*
                }
            }

            /// The fault named `name`.
            pub fn from_name(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|f| f.name() == name)
            }
        }

        impl $crate::reference::faults::NamedFault for $enum {
            fn all() -> &'static [Self] {
                Self::ALL
            }

            fn name(self) -> &'static str {
                $enum::name(self)
            }

            fn description(self) -> &'static str {
                $enum::description(self)
            }
        }

        impl std::fmt::Display for $enum {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

pub(crate) use named_faults;

/// What the engine needs of a reference's faults, whatever the protocol: every fault, its
/// name and its description (`named_faults!` implements it).
pub trait NamedFault: Copy + Ord + Send + Sync + 'static {
    /// Every fault, in a fixed order.
    fn all() -> &'static [Self];
    /// The fault's name, as `--fault` and the case catalogue spell it.
    fn name(self) -> &'static str;
    /// One line for `--help` and reports.
    fn description(self) -> &'static str;
}

/// Checks what the macro cannot: every name reads back to its fault, names are unique and
/// kebab-case, and every fault has a description.
#[cfg(test)]
pub(crate) fn check_names<F: Copy + PartialEq + std::fmt::Debug>(
    all: &[F],
    name: fn(F) -> &'static str,
    description: fn(F) -> &'static str,
    from_name: fn(&str) -> Option<F>,
) {
    let mut names: Vec<&str> = all.iter().map(|f| name(*f)).collect();
    for fault in all {
        assert_eq!(from_name(name(*fault)), Some(*fault));
        assert!(!description(*fault).is_empty(), "{fault:?}");
        assert!(
            name(*fault)
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{fault:?}"
        );
    }
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), all.len());
    assert_eq!(from_name("no-such-fault"), None);
}
