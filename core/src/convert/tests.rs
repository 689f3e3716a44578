use super::run;

#[test]
fn every_carried_flag_is_carried_and_every_other_flag_reported() {
    for f in crate::flags::RUN_FLAGS {
        let carried = run::CARRIED.iter().find(|(l, _, _)| *l == f.long);
        let line = run::sample_line(f, carried.map_or("x", |(_, s, _)| *s));
        let r = run::read(&line);
        assert!(r.errors.is_empty(), "{line}: {:?}", r.errors);
        match carried {
            Some(_) => assert!(r.dropped.is_empty(), "{line}: {:?}", r.dropped),
            None => assert_eq!(r.dropped.len(), 1, "{line}: not reported"),
        }
    }
    for (l, _, _) in run::CARRIED {
        assert!(
            crate::flags::by_long(crate::flags::RUN_FLAGS, l).is_some(),
            "{l}"
        );
    }
}
