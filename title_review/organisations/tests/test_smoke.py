def test_tree_page_lists_the_department_subtree(login, orgs):
    client = login("wjwadmin")
    response = client.get("/organisations/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "杭州市第一人民医院" in text
    assert "杭州第二中学" not in text
