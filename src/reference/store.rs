//! A bounded, shared map of what a reference back end remembers per issued QR code.
//!
//! Anyone who can reach a back end's `/qr/...` routes can make it remember something, so the
//! store is bounded: when it is full the oldest entry is forgotten, which only turns that
//! entry's late callback into an unknown one.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};

/// The most entries kept at once unless configured.
pub const MAX_ENTRIES: usize = 10_000;

#[derive(Debug)]
struct Inner<V> {
    map: HashMap<String, V>,
    /// Insertion order, oldest first, for eviction.
    order: VecDeque<String>,
}

/// The bounded store, shared by every request.
#[derive(Debug)]
pub struct BoundedStore<V> {
    inner: Mutex<Inner<V>>,
    capacity: usize,
}

impl<V: Clone> Default for BoundedStore<V> {
    fn default() -> Self {
        BoundedStore::with_capacity(MAX_ENTRIES)
    }
}

impl<V: Clone> BoundedStore<V> {
    pub fn with_capacity(capacity: usize) -> Self {
        BoundedStore {
            inner: Mutex::new(Inner {
                map: HashMap::new(),
                order: VecDeque::new(),
            }),
            capacity: capacity.max(1),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner<V>> {
        // Every update is a single assignment or insert, so a panic elsewhere cannot leave an
        // entry half-written; keep serving rather than failing every request.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Stores `value` under `key`, forgetting the oldest entries beyond the capacity.
    pub fn insert_keyed(&self, key: String, value: V) {
        let mut inner = self.lock();
        if inner.map.insert(key.clone(), value).is_none() {
            inner.order.push_back(key);
        }
        Self::evict(&mut inner, self.capacity);
    }

    fn evict(inner: &mut Inner<V>, capacity: usize) {
        while inner.order.len() > capacity {
            if let Some(oldest) = inner.order.pop_front() {
                inner.map.remove(&oldest);
            }
        }
    }

    /// Stores `value` under `key` unless the key is already there; whether it was stored.
    /// Two requests racing for the same key cannot both win.
    pub fn insert_new(&self, key: String, value: V) -> bool {
        let mut inner = self.lock();
        if inner.map.contains_key(&key) {
            return false;
        }
        inner.map.insert(key.clone(), value);
        inner.order.push_back(key);
        Self::evict(&mut inner, self.capacity);
        true
    }

    /// A copy of the entry `key` (never held across a node query).
    pub fn get(&self, key: &str) -> Option<V> {
        self.lock().map.get(key).cloned()
    }

    /// Runs `f` on the entry `key` under the lock; `None` when it is gone.
    pub fn update<T>(&self, key: &str, f: impl FnOnce(&mut V) -> T) -> Option<T> {
        self.lock().map.get_mut(key).map(f)
    }

    /// Runs `f` on every entry under the lock.
    pub fn update_all(&self, mut f: impl FnMut(&mut V)) {
        self.lock().map.values_mut().for_each(&mut f);
    }

    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_forgets_the_oldest_and_inserts_new_keys_once() {
        let store = BoundedStore::with_capacity(2);
        assert!(store.insert_new("a".into(), 1));
        assert!(!store.insert_new("a".into(), 2));
        assert_eq!(store.get("a"), Some(1));
        store.insert_keyed("b".into(), 3);
        store.insert_keyed("c".into(), 4);
        assert_eq!(store.len(), 2);
        assert_eq!(store.get("a"), None);
        assert!(store.insert_new("a".into(), 5));
        assert_eq!(store.get("b"), None);
    }
}
