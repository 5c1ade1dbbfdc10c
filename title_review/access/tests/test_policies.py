from title_review.access.policies import can, has_capability, organisations_visible_to


def test_disable_reaches_below_the_grant_but_not_the_own_organisation(users, orgs):
    hz = users["hzadmin"]
    assert can(hz, "organisation.disable", orgs["杭州市卫生健康委员会"])
    assert not can(hz, "organisation.disable", orgs["杭州市职称工作领导小组办公室"])
    assert not can(hz, "organisation.disable", orgs["浙江省职称工作领导小组办公室"])


def test_only_the_province_manages_dictionaries(users):
    assert has_capability(users["zjadmin"], "dictionary.manage")
    assert has_capability(users["sysadmin"], "dictionary.manage")
    assert not has_capability(users["hzadmin"], "dictionary.manage")
    assert has_capability(users["hzadmin"], "dictionary.view")


def test_three_administrators_are_separate(users):
    assert has_capability(users["auditor"], "audit.view")
    assert not has_capability(users["sysadmin"], "audit.view")
    assert not has_capability(users["secadmin"], "audit.view")
    assert not has_capability(users["auditor"], "organisation.create_child")


def test_grants_on_a_disabled_organisation_lapse(users, orgs):
    from title_review.organisations.services import disable_organisation

    disable_organisation(actor=users["hzadmin"], organisation_id=orgs["杭州市卫生健康委员会"].pk)
    wjw = users["wjwadmin"]
    assert not organisations_visible_to(wjw).exists()


def test_visible_subtree_is_one_query(users, django_assert_num_queries):
    user = users["hzadmin"]
    with django_assert_num_queries(2):  # grants, then the subtree
        list(organisations_visible_to(user))
