//! A list that keeps a lone item inline. Most compiled elements and conditions hold one value
//! (one resource ARN, one condition value): a `Vec` of one costs an allocation when a policy is
//! compiled and a free when it is dropped, for every scenario.

use std::ops::Deref;

/// Read as a slice, in the order the items were collected.
#[derive(Clone, Debug)]
pub enum SmallList<T> {
    One(T),
    /// No item, or two and more.
    Many(Vec<T>),
}

impl<T> SmallList<T> {
    pub fn as_slice(&self) -> &[T] {
        match self {
            SmallList::One(item) => std::slice::from_ref(item),
            SmallList::Many(items) => items,
        }
    }

    pub fn as_mut_slice(&mut self) -> &mut [T] {
        match self {
            SmallList::One(item) => std::slice::from_mut(item),
            SmallList::Many(items) => items,
        }
    }

    /// Adds `item` at the end: the first item inline, a second one moves both into a `Vec`.
    #[inline]
    pub fn push(&mut self, item: T) {
        match self {
            SmallList::Many(items) if !items.is_empty() => items.push(item),
            SmallList::Many(_) => *self = SmallList::One(item),
            SmallList::One(_) => {
                if let SmallList::One(first) = std::mem::take(self) {
                    *self = SmallList::Many(vec![first, item]);
                }
            }
        }
    }
}

/// Equal when the items are, however they are held.
impl<T: PartialEq> PartialEq for SmallList<T> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: Eq> Eq for SmallList<T> {}

impl<T> Default for SmallList<T> {
    fn default() -> Self {
        SmallList::Many(Vec::new())
    }
}

impl<T> Deref for SmallList<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T> SmallList<T> {
    /// `f` of each item, in order: a lone item inline, others collected into a `Vec` of their
    /// exact size.
    pub fn mapped<S>(items: &[S], mut f: impl FnMut(&S) -> T) -> Self {
        match items {
            [only] => SmallList::One(f(only)),
            _ => SmallList::Many(items.iter().map(f).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever the count, a small list reads (as a slice, by index, cloned) like the `Vec` the
    /// same items collect into (or are pushed into), compares by its items, and holds no `Vec`
    /// for a single item.
    #[test]
    fn small_lists_read_like_the_vecs_they_replace() {
        for n in 0..6 {
            let items: Vec<String> = (0..n).map(|i| format!("item {i}")).collect();
            let small = SmallList::mapped(&items, String::clone);
            assert_eq!(small.as_slice(), items.as_slice(), "{n} items");
            assert_eq!(&*small, items.as_slice());
            assert_eq!(small.len(), items.len());
            for i in 0..=n {
                assert_eq!(small.get(i), items.get(i));
            }
            assert_eq!(small.clone().as_slice(), items.as_slice());
            assert_eq!(matches!(small, SmallList::One(_)), n == 1, "{n} items");
            let lengths = SmallList::mapped(&small, String::len);
            let expected: Vec<usize> = items.iter().map(String::len).collect();
            assert_eq!(lengths.as_slice(), expected.as_slice());
            let mut pushed = SmallList::default();
            for item in &items {
                pushed.push(item.clone());
            }
            assert_eq!(pushed.as_slice(), items.as_slice(), "{n} pushed");
            assert!(pushed == small, "{n} pushed");
            assert_eq!(matches!(pushed, SmallList::One(_)), n == 1, "{n} pushed");
            pushed.as_mut_slice().reverse();
            let reversed: Vec<String> = items.iter().rev().cloned().collect();
            assert_eq!(pushed.as_slice(), reversed.as_slice(), "{n} reversed");
        }
        assert!(SmallList::<u8>::default().is_empty());
    }
}
