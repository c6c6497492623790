from components import deploy_domain
deploy_domain(__file__)
